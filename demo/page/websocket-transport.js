// The WebSocket transport joins when the library's WebSocket fetcher is available.
export async function connectWebSocketTransport() {
  throw new Error('this build of the demo serves images over HTTP only')
}
