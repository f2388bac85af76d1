export interface MultipartFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, MultipartFile>;
}

/** Parses multipart/form-data; undefined when the content type or the framing is wrong. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartForm | undefined {
  const match = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!match) return undefined;
  const delimiter = Buffer.from(`--${match[1] ?? match[2].trim()}`);
  const form: MultipartForm = { fields: {}, files: {} };
  let start = body.indexOf(delimiter);
  if (start < 0) return undefined;
  while (true) {
    const partStart = start + delimiter.length;
    if (body.toString("ascii", partStart, partStart + 2) === "--") return form;
    const next = body.indexOf(delimiter, partStart);
    if (next < 0) return undefined;
    // A part is CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) return undefined;
    const headers = part.toString("utf8", 0, headerEnd);
    const data = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) {
        const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? "application/octet-stream";
        form.files[name] = { filename, contentType: type.trim(), data: Buffer.from(data) };
      } else {
        form.fields[name] = data.toString("utf8");
      }
    }
    start = next;
  }
}
