// The local Kinesis emulator process (started detached by lib/stream/emulator.ts): kinesalite bound to 127.0.0.1,
// its streams persisted in a LevelDB folder, no artificial CREATING/UPDATING delays. Once it listens, it writes
// its pid and port to the state file (temp + rename); on SIGTERM/SIGINT it closes LevelDB and exits.
// Usage: node kinesalite-main.js <dataDir> <port|0> <stateFile>
/* global setTimeout */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const kinesalite = require('kinesalite');

const [dataDir, portText, stateFile] = process.argv.slice(2);
if (!dataDir || portText === undefined || !stateFile) {
  console.error('usage: kinesalite-main.js <dataDir> <port> <stateFile>');
  process.exit(2);
}
fs.mkdirSync(dataDir, { recursive: true });

const server = kinesalite({
  path: dataDir,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 1000,
});

function fail(err) {
  console.error(`kinesalite: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}
process.on('uncaughtException', fail);
server.on('error', fail);

// One ListStreams call through the server proves that LevelDB is open (another process may hold its lock).
function probe(port, done) {
  const req = http.request(
    {
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'Kinesis_20131202.ListStreams',
        'X-Amz-Date': '20200101T000000Z',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
      },
    },
    (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? done() : fail(new Error(`self-check answered HTTP ${res.statusCode}`)),
      );
    },
  );
  req.on('error', fail);
  req.end('{}');
}

server.listen(Number(portText), '127.0.0.1', () => probe(server.address().port, ready));

function ready() {
  const { port } = server.address();
  const state = {
    pid: process.pid,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    dataDir,
    startedAt: new Date().toISOString(),
  };
  const tmp = path.join(path.dirname(stateFile), `.${path.basename(stateFile)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, stateFile);
  console.log(`kinesalite ${process.pid} listening on ${state.endpoint}, data in ${dataDir}`);
}

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  server.close(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
