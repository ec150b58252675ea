/**
 * A strict multipart/form-data reader (RFC 7578) for the protocol fakes: discord.js sends files as
 * `files[n]` parts beside a `payload_json` part, and Slack's WebClient posts upload bytes as a `body` file part.
 * Anything malformed throws, so a fake can answer 400 the way the real service would.
 */

export interface FormPart {
  /** The form field name from Content-Disposition. */
  name: string;
  /** Present on file parts. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data Content-Type, or undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function dispositionParam(header: string, key: string): string | undefined {
  const m = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const opening = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  if (body.indexOf(opening) !== 0) throw new Error('multipart: the body does not start with the boundary');
  const parts: FormPart[] = [];
  let pos = opening.length;
  for (;;) {
    const after = body.subarray(pos, pos + 2).toString('latin1');
    if (after === '--') return parts;
    if (after !== '\r\n') throw new Error('multipart: a boundary is not followed by CRLF');
    const start = pos + 2;
    const end = body.indexOf(separator, start);
    if (end === -1) throw new Error('multipart: no closing boundary');
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new Error('multipart: a part has no header block');
    const headers = new Map<string, string>();
    for (const line of part.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (!/^form-data\s*;/i.test(disposition) || name === undefined) {
      throw new Error('multipart: a part has no form-data name');
    }
    const filename = dispositionParam(disposition, 'filename');
    const contentType = headers.get('content-type');
    parts.push({
      name,
      ...(filename !== undefined && { filename }),
      ...(contentType !== undefined && { contentType }),
      data: Buffer.from(part.subarray(headerEnd + 4)),
    });
    pos = end + separator.length;
  }
}
