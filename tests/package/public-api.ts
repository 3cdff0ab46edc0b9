// The package's public surface as the design promises it, shared by the repository-level export
// checks (exports.test.ts) and the checks on the packed and installed tarball (tarball.test.ts).

/** Subpaths the design lists (README documents each; package.json exports each). */
export const DOCUMENTED_SUBPATHS = ['./backend', './backend/express', './backend/fetch', './backend/websocket', './frontend', './frontend/websocket', './codec', './shared', './types', './react', './vue']

const FRONTEND = [
  'initPixstoreFrontend', 'getImage', 'getImageUrl', 'deleteCachedImage', 'cachedImageExists', 'clearImageCache', 'getCacheStats',
  'acquireObjectUrl', 'placeholderDataUrl',
]

/** Names each entry must export (pixstore 3.2.1's API names plus ours). */
export const REQUIRED_EXPORTS: Record<string, string[]> = {
  './backend': [
    'initPixstoreBackend', 'closePixstoreBackend', 'saveImage', 'saveImageFromFile', 'updateImage',
    'updateImageFromFile', 'deleteImage', 'imageExists', 'getImageRecord', 'customEndpointHelper',
    'customEndpointBatchHelper', 'startDefaultEndpoint', 'stopDefaultEndpoint', 'PixstoreError', 'rewrapImageKeys', 'regenerateVariants',
  ],
  './backend/express': ['pixstoreExpress'],
  './backend/fetch': ['createPixstoreFetchHandler'],
  './backend/websocket': ['serveImagesOverWebSocket'],
  './frontend': FRONTEND,
  './frontend/browser': FRONTEND,
  './frontend/websocket': ['createWebSocketFetcher'],
  './codec': ['encodeWirePayload', 'decodeWirePayload', 'createFrame', 'tokensEqual', 'constantTimeEqual', 'WireState',
    'encodeBatchHeader', 'encodeBatch', 'decodeBatch', 'readBatchDirectory', 'MAX_BATCH_ITEMS'],
  './shared': ['PixstoreError', 'setErrorHandlingMode', 'setCustomErrorHandler', 'getLastPixstoreError'],
  './types': ['WireState'],
  './react': ['usePixstoreImage', 'PixstoreImage'],
  './vue': ['usePixstoreImage', 'PixstoreImage'],
}
