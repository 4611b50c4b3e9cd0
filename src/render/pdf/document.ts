/**
 * A PDF file's body, cross-reference table and trailer. Objects are numbered in the order
 * they are reserved, and the renderer reserves them in a fixed order, so the same scene
 * always gives the same file.
 */
import { md5 } from "./md5.js";

type PdfObject = { value: string } | { entries: string; data: Uint8Array };

export class PdfDocument {
  private readonly objects: (PdfObject | undefined)[] = [];

  /** A number for an object defined later (a page's contents before they are written). */
  reserve(): number {
    this.objects.push(undefined);
    return this.objects.length;
  }

  /** Defines object `ref` as a plain value (a dictionary, an array). */
  define(ref: number, value: string): void {
    this.objects[ref - 1] = { value };
  }

  /** Defines object `ref` as a stream: `entries` are its dictionary's entries but /Length, which is added. */
  defineStream(ref: number, entries: string, data: Uint8Array): void {
    this.objects[ref - 1] = { entries, data };
  }

  add(value: string): number {
    const ref = this.reserve();
    this.define(ref, value);
    return ref;
  }

  addStream(entries: string, data: Uint8Array): number {
    const ref = this.reserve();
    this.defineStream(ref, entries, data);
    return ref;
  }

  /**
   * The whole file: header, objects, cross-reference table, and a trailer whose /ID is the
   * MD5 of the /Info dictionary (so it changes with the title and dates, never by itself).
   */
  encode(root: number, info: number): Uint8Array {
    const chunks: Buffer[] = [];
    let length = 0;
    const push = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    };
    // The comment's bytes above 127 tell transfer programs the file is binary.
    push(Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1"));
    const offsets: number[] = [];
    this.objects.forEach((object, i) => {
      if (!object) throw new Error(`renderPdf: object ${i + 1} was reserved but never written`);
      offsets.push(length);
      if ("value" in object) {
        push(Buffer.from(`${i + 1} 0 obj\n${object.value}\nendobj\n`, "latin1"));
      } else {
        push(Buffer.from(`${i + 1} 0 obj\n<< ${object.entries} /Length ${object.data.length} >>\nstream\n`, "latin1"));
        push(Buffer.from(object.data.buffer, object.data.byteOffset, object.data.byteLength));
        push(Buffer.from("\nendstream\nendobj\n", "latin1"));
      }
    });
    const xref = length;
    const infoObject = this.objects[info - 1];
    const id = Buffer.from(md5(Buffer.from(infoObject && "value" in infoObject ? infoObject.value : "", "utf8"))).toString("hex").toUpperCase();
    const rows = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
    const size = this.objects.length + 1;
    push(
      Buffer.from(
        `xref\n0 ${size}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${size} /Root ${root} 0 R /Info ${info} 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`,
        "latin1",
      ),
    );
    const file = Buffer.concat(chunks, length);
    return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  }
}
