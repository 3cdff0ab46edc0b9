// A React page with pixstore/react: a gallery of <PixstoreImage> (placeholder and reserved box while
// loading, the decrypted image once ready), and usePixstoreImage for a download link.
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { initPixstoreFrontend } from 'pixstore/frontend'
import { PixstoreImage, usePixstoreImage } from 'pixstore/react'
import type { ImageRecord } from 'pixstore/types'

initPixstoreFrontend({ endpointBaseUrl: '/pixstore-image' })

function DownloadLink({ record }: { record: ImageRecord }) {
  const { url, status, error } = usePixstoreImage(record)
  if (status === 'error') return <span role="alert">Could not load: {error?.message}</span>
  if (status !== 'ready') return <span>Preparing…</span>
  return <a href={url!} download="photo.png">Download</a>
}

function Gallery() {
  const [records, setRecords] = useState<ImageRecord[] | null>(null)
  useEffect(() => {
    fetch('/api/photos')
      .then((res) => res.json() as Promise<ImageRecord[]>)
      .then(setRecords, () => setRecords([]))
  }, [])
  if (!records) return <p>Loading…</p>
  return (
    <ul>
      {records.map((record) => (
        <li key={record.id}>
          <PixstoreImage record={record} alt="Team photo" style={{ maxWidth: '100%', height: 'auto' }} />
          <DownloadLink record={record} />
        </li>
      ))}
    </ul>
  )
}

createRoot(document.getElementById('root')!).render(<Gallery />)
