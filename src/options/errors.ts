/**
 * A value given for an option that cannot be used: a request field or a command-line flag
 * naming something that is not there (`network: "nosuch"`). The caller's mistake, not the
 * input's, so the command line reports it as a usage error (exit 2) with `--<option>`.
 */
export class OptionError extends Error {
  constructor(
    /** The option, as the library names it (`network`, `foldRepeats`). */
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = "OptionError";
  }
}
