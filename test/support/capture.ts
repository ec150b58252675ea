/** A writable stream that keeps what is written to it, for commands that print. */
import { PassThrough } from 'node:stream';

export function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  return { out, text: () => text };
}
