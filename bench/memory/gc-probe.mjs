// Loaded into the bot by the memory bench (`node --expose-gc --import <this> bin/twinbot.js start`): on a 'measure'
// message over the IPC channel it reports process.memoryUsage() as it is, then again after two full collections.
// The bot's own code is untouched; without --expose-gc or an IPC channel this does nothing.
if (typeof process.send === 'function') {
  // why: the channel must not keep the bot alive once it has shut down.
  process.channel?.unref();
  process.on('message', (message) => {
    if (message !== 'measure') return;
    const before = process.memoryUsage();
    globalThis.gc?.();
    globalThis.gc?.();
    setImmediate(() =>
      process.send?.({ before, after: process.memoryUsage(), gc: typeof globalThis.gc === 'function' }),
    );
  });
}
