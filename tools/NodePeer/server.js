// The peer that tools/LoadGen measures `ppkm serve` against: the same model package served the way a Node developer
// would, with transformers.js (its tokenizer, its text-classification pipeline on onnxruntime-node) behind Node's
// http module. One pipeline call per request, as the library's examples do; no cross-request batching.
//
//   npm ci --prefix tools/NodePeer
//   node tools/NodePeer/server.js --package DIR [--variant fp32|int8] [--port 8091] [--threads 0]
//
// POST /v1/classify {"inputs": "text" | ["t1", ...]} answers {"predictions": [[{"label", "score"}, ...], ...]} (every
// label, most probable first: the shape of ppkm serve's answer); GET /readyz answers 200 once the model is loaded.
import http from 'node:http';
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

function parseArgs(argv) {
  const args = { variant: 'fp32', port: 8091, threads: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!name?.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got '${name}'`);
    args[name.slice(2)] = value;
  }
  if (!args.package) throw new Error('--package DIR is required (a folder written by ppkm export)');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const packageDir = path.resolve(args.package);
// Local files only: the package folder is the "model id" under localModelPath.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(packageDir) + path.sep;
const modelFile = { fp32: 'model', int8: 'model.int8', 'int8-static': 'model.int8-static' }[args.variant];
if (!modelFile) throw new Error(`unknown --variant '${args.variant}' (fp32, int8 or int8-static)`);
const threads = Number(args.threads);

const classifier = await pipeline('text-classification', path.basename(packageDir), {
  subfolder: '',
  model_file_name: modelFile,
  dtype: 'fp32', // the file name already names the variant; fp32 adds no suffix
  device: 'cpu',
  session_options: threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {},
});
await classifier('warm-up');

function send(res, status, body) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') return send(res, 200, { status: 'ready', variant: args.variant });
  if (req.method !== 'POST' || req.url !== '/v1/classify') return send(res, 404, { error: 'not found' });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let inputs;
    try {
      inputs = JSON.parse(Buffer.concat(chunks).toString('utf8')).inputs;
    } catch (e) {
      return send(res, 400, { error: 'malformed JSON', detail: String(e.message) });
    }
    const texts = typeof inputs === 'string' ? [inputs] : inputs;
    if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string' || t.length === 0))
      return send(res, 400, { error: 'inputs must be a non-empty string or array of non-empty strings' });
    try {
      const started = performance.now();
      const output = await classifier(texts, { top_k: null });
      // One text gives one list; several give a list of lists.
      const predictions = texts.length === 1 && !Array.isArray(output[0]) ? [output] : output;
      send(res, 200, { model: path.basename(packageDir), variant: args.variant, latency_ms: performance.now() - started, predictions });
    } catch (e) {
      send(res, 500, { error: 'inference failed', detail: String(e.message) });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(args.port), '127.0.0.1', () => console.log(`node peer: ${packageDir} (${args.variant}) on http://127.0.0.1:${args.port}`));
