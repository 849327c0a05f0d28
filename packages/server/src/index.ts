export { createApp, maxBodyBytes, maxResultsBodyBytes, type AssayApp } from './app.ts';
export { startServer, type HttpTimeouts, type RunningServer, type StartServerOptions } from './start-server.ts';
export { maxResultsPerUpload } from './routes/run-routes.ts';
export type { Principal, ServerDependencies } from './server-env.ts';
export { createViewerApp, viewerProjectId, type ViewerApp, type ViewerAppOptions, type ViewerInfo } from './view-app.ts';
export { defaultViewerPort, startViewer, type RunningViewer, type StartViewerOptions } from './start-viewer.ts';
