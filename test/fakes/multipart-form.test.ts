/** The fakes' multipart reader against bodies Node's own fetch (undici) writes, the way discord.js and Slack's WebClient send them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multipartBoundary, parseMultipart } from './multipart-form.js';

async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const response = new Response(form);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? '',
  };
}

test('reads file parts byte for byte and text fields, as fetch encodes them', async () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x2d, 0x2d]);
  const form = new FormData();
  form.append('files[0]', new Blob([bytes], { type: 'image/png' }), 'chart "24h".png');
  form.append('payload_json', JSON.stringify({ content: 'Requests: 3\r\n--not a boundary' }));
  const { body, contentType } = await encode(form);
  const boundary = multipartBoundary(contentType);
  assert.ok(boundary);
  const [file, json, ...rest] = parseMultipart(body, boundary);
  assert.equal(rest.length, 0);
  assert.equal(file?.name, 'files[0]');
  assert.equal(file?.contentType, 'image/png');
  assert.ok(file?.data.equals(bytes), 'CR LF and dashes inside the data survive');
  assert.match(file?.filename ?? '', /^chart .*24h.*\.png$/);
  assert.equal(json?.filename, undefined);
  assert.deepEqual(JSON.parse(json?.data.toString('utf8') ?? ''), { content: 'Requests: 3\r\n--not a boundary' });
});

test('other content types have no boundary; a malformed body throws', () => {
  assert.equal(multipartBoundary('application/json'), undefined);
  assert.equal(multipartBoundary('multipart/form-data; boundary="a b"'), 'a b');
  assert.throws(() => parseMultipart(Buffer.from('garbage'), 'x'), /does not start with the boundary/);
  assert.throws(
    () => parseMultipart(Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nv'), 'x'),
    /no closing/,
  );
});
