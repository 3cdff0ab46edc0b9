// Server-side rendering of both components: the first HTML already carries the placeholder and the
// box size (no layout jump once the page hydrates), and rendering starts no load (nothing to release).
import { createElement } from 'react'
import { renderToString as renderReact } from 'react-dom/server'
import { rgbaToThumbHash } from 'thumbhash'
import { createSSRApp, h } from 'vue'
import { renderToString as renderVue } from 'vue/server-renderer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshFrontend } from '../frontend/helpers/frontend-env.js'
import { startImageServer, type ImageServer } from '../frontend/helpers/image-server.js'
import { bytesToBase64 } from '../../src/crypto/base64.js'
import { liveImageUrlCount } from '../../src/frontend/image-url.js'
import { getRuntime } from '../../src/frontend/runtime.js'
import { PixstoreImage as ReactImage } from '../../src/react/index.js'
import { PixstoreImage as VueImage } from '../../src/vue/index.js'
import type { ImageRecord } from '../../src/types/index.js'

let server: ImageServer
let record: ImageRecord
beforeAll(async () => {
  server = await startImageServer()
  freshFrontend({ endpointBaseUrl: server.baseUrl })
  const saved = await server.save('ssr-a', new Uint8Array([1]))
  const rgba = new Uint8Array(4 * 4 * 4).fill(200)
  record = { ...saved, info: { mime: 'image/png', width: 120, height: 80, bytes: 1000, placeholder: bytesToBase64(rgbaToThumbHash(4, 4, rgba)) } }
})
afterAll(() => server.close())

// A load started during rendering is in flight (store read, then network) right after it.
const expectNoLoad = () => {
  expect(getRuntime().inflight.size).toBe(0)
  expect(getRuntime().counters.hits + getRuntime().counters.misses).toBe(0)
  expect(server.requests).toEqual([])
  expect(liveImageUrlCount()).toBe(0)
}

const expectPlaceholderImg = (html: string) => {
  expect(html).toMatch(/<img[^>]*\bsrc="data:image\/png;base64,/)
  expect(html).toMatch(/\bwidth="120"/)
  expect(html).toMatch(/\bheight="80"/)
  expect(html).toMatch(/data-pixstore-status="loading"/)
  expect(html).toMatch(/alt="Avatar"/)
}

describe('server-side rendering', () => {
  it('React: placeholder and box in the HTML, no request, no URL', async () => {
    const html = renderReact(createElement(ReactImage, { record, alt: 'Avatar' }))
    expectPlaceholderImg(html)
    expectNoLoad()
  })

  it('Vue: placeholder and box in the HTML, no request, no URL', async () => {
    const html = await renderVue(createSSRApp({ render: () => h(VueImage, { record, alt: 'Avatar' }) }))
    expectPlaceholderImg(html)
    expectNoLoad()
  })
})
