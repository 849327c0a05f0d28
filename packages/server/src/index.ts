export { createApp, maxBodyBytes, maxResultsBodyBytes, type AssayApp } from './app.ts';
export { startServer, type HttpTimeouts, type RunningServer, type StartServerOptions } from './start-server.ts';
export { maxResultsPerUpload } from './routes/run-routes.ts';
export type { Principal, ServerDependencies } from './server-env.ts';
