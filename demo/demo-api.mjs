// The demo application's own API: what a real app would do in its routes. It hands the page fresh
// ImageRecords (a new proof on every call, never cached) and replaces images with updateImage.
import { getImageRecord, updateImage } from 'pixstore/backend'
import { generateImage } from '../scripts/lib/sample-images.mjs'
import { saveManifest } from './image-manifest.mjs'

function json(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // Records carry keys and proofs: no intermediary or back/forward cache may keep them.
    'cache-control': 'no-store',
  })
  res.end(text)
}

/**
 * @param {{ dataDir: string, images: import('./image-manifest.mjs').DemoImage[], endpointUrl: string }} ctx
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string) => Promise<boolean>}
 */
export function createDemoApi(ctx) {
  const byId = (id) => ctx.images.find((image) => image.id === id)
  // One replace at a time per image keeps the manifest's counter in step with the stored versions.
  let replacing = Promise.resolve()

  async function listRecords() {
    const out = []
    for (const image of ctx.images) {
      const record = await getImageRecord(image.id)
      if (record) out.push({ ...image, record })
    }
    return out
  }

  async function replace(image) {
    const replaced = image.replaced + 1
    // Seeds 1..12 made the originals; each replacement takes the next unused seed, so its pixels differ.
    const bytes = generateImage(image.format, { width: image.width, height: image.height, seed: 12 + replaced })
    const record = await updateImage(image.id, bytes)
    if (!record) return null
    image.replaced = replaced
    await saveManifest(ctx.dataDir, ctx.images)
    return { ...image, record, bytes: bytes.length }
  }

  return async function handleApi(req, res, path) {
    if (path === '/api/config' && req.method === 'GET') {
      json(res, 200, { endpointBaseUrl: ctx.endpointUrl })
      return true
    }
    if (path === '/api/images' && req.method === 'GET') {
      json(res, 200, await listRecords())
      return true
    }
    const match = /^\/api\/images\/([^/]+)(\/replace)?$/.exec(path)
    if (!match) return false
    let id
    try {
      id = decodeURIComponent(match[1])
    } catch {
      json(res, 400, { error: 'malformed image id' })
      return true
    }
    const image = byId(id)
    if (!image) {
      json(res, 404, { error: 'no demo image with this id' })
      return true
    }
    if (!match[2] && req.method === 'GET') {
      const record = await getImageRecord(id)
      if (record) json(res, 200, { ...image, record })
      else json(res, 500, { error: 'could not read the image record' })
      return true
    }
    if (match[2] && req.method === 'POST') {
      const next = replacing.then(() => replace(image))
      replacing = next.catch(() => {})
      const result = await next
      if (result) json(res, 200, result)
      else json(res, 500, { error: 'could not replace the image' })
      return true
    }
    json(res, 405, { error: 'method not allowed' })
    return true
  }
}
