import { NetfigError } from "../../lang/diagnostics.js";

/**
 * A file that cannot be used as it is (a corrupt `.npy`, a weights file too short, an
 * endless device): invalid input, reported as `FILE: error: what is wrong`, never as an
 * internal error. The location names the file without a line, as for a binary model.
 */
export function invalidFile(file: string, message: string, hint?: string): NetfigError {
  return new NetfigError([{ severity: "error", message, location: { file, line: 0, column: 0, length: 0 }, ...(hint ? { hint } : {}) }]);
}

/** What the operating system said, in words: `ENOENT` → "no such file or folder". */
export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: "no such file or folder",
    ENOTDIR: "a part of the path is not a folder",
    EISDIR: "is a folder, not a file",
    EACCES: "permission denied",
    EPERM: "not permitted",
    EROFS: "the file system is read-only",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    ENAMETOOLONG: "the name is too long",
    EMFILE: "too many open files",
    EEXIST: "already exists",
    EIO: "input/output error",
    EFBIG: "the file is too large",
    ELOOP: "too many symbolic links",
    EINVAL: "not a valid name",
    ERR_INVALID_ARG_VALUE: "not a valid file name",
    ERR_INVALID_ARG_TYPE: "not a valid file name",
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}
