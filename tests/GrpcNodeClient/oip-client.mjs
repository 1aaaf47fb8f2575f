#!/usr/bin/env node
// Calls one method of the Open Inference Protocol's gRPC service (inference.GRPCInferenceService) with Node's
// @grpc/grpc-js, reading the platform's .proto with @grpc/proto-loader: a client the platform did not write.
//
//   node tests/GrpcNodeClient/oip-client.mjs <host:port> <Method> ['<request as JSON>']
//
// Method is the RPC's name (ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata, ModelInfer); the request
// uses the .proto's field names (model_name, raw_input_contents, ...), bytes as base64. The key comes from the
// environment: KEY is sent as 'authorization: Bearer <KEY>', or as 'x-api-key' when KEY_HEADER=x-api-key.
// Prints one line of JSON: {"ok":true,"response":{...}} (bytes as base64), or {"ok":false,"code":5,"status":"NOT_FOUND",
// "details":"..."}; exits 0 either way, 2 when it was used wrongly.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [address, method, body] = process.argv.slice(2);
if (!address || !method) {
  console.error('usage: oip-client.mjs <host:port> <Method> [request JSON]');
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const protoFile = path.resolve(here, '../../services/Inference/OpenInference/grpc_predict_v2.proto');
const definition = protoLoader.loadSync(protoFile, { keepCase: true, longs: String, enums: String, bytes: String, defaults: true, oneofs: true });
const { inference } = grpc.loadPackageDefinition(definition);
const client = new inference.GRPCInferenceService(address, grpc.credentials.createInsecure());
if (typeof client[method] !== 'function') {
  console.error(`no method ${method}; the service has ${Object.keys(inference.GRPCInferenceService.service).join(', ')}`);
  process.exit(2);
}

const metadata = new grpc.Metadata();
if (process.env.KEY) {
  if (process.env.KEY_HEADER === 'x-api-key') metadata.set('x-api-key', process.env.KEY);
  else metadata.set('authorization', `Bearer ${process.env.KEY}`);
}

const request = body ? JSON.parse(body) : {};
const deadline = new Date(Date.now() + 60_000);
client[method](request, metadata, { deadline }, (error, response) => {
  if (error) {
    console.log(JSON.stringify({ ok: false, code: error.code, status: grpc.status[error.code], details: error.details }));
  } else {
    console.log(JSON.stringify({ ok: true, response }));
  }
  client.close();
});
