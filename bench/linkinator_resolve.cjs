// Preloaded into linkinator (NODE_OPTIONS=--require) by bench/links_peers.py: answers the simulator's host
// names from BENCH_RESOLVE ({"host": "127.0.0.x"}) for Node's fetch, the way curl's --resolve would, so the
// URLs and Host headers linkinator sends are those of a real crawl. Node's fetch (undici) connects through
// its global dispatcher, so the map goes in as that dispatcher's lookup; other names resolve as usual.
// BENCH_UNDICI: the undici package linkinator itself installed (the global dispatcher must be its own).
const dns = require('node:dns');
const map = JSON.parse(process.env.BENCH_RESOLVE || '{}');

function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  const address = map[hostname];
  if (address === undefined) return dns.lookup(hostname, options, callback);
  if (options && options.all) return process.nextTick(callback, null, [{ address, family: 4 }]);
  return process.nextTick(callback, null, address, 4);
}

const { Agent, setGlobalDispatcher } = require(process.env.BENCH_UNDICI);
setGlobalDispatcher(new Agent({ connect: { lookup } }));
