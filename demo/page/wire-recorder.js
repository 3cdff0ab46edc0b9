// Shows what crossed the network for each image: what the request sent and the state byte and
// sizes of the answer. The frontend decodes the very same bytes afterwards.
import { WireState } from 'pixstore/codec'

const STATE_NAMES = Object.fromEntries(Object.entries(WireState).map(([name, value]) => [value, name]))
const UPDATED_HEADER_BYTES = 69
const MAX_ROWS = 40

/** @param {Uint8Array} bytes */
export function describeWire(bytes) {
  const state = bytes.length > 0 ? bytes[0] : null
  const header = state === WireState.Updated ? Math.min(UPDATED_HEADER_BYTES, bytes.length) : Math.min(1, bytes.length)
  const carriesImage = state === WireState.Success || state === WireState.Updated
  return {
    state,
    stateName: state === null ? 'empty' : (STATE_NAMES[state] ?? 'unknown'),
    header,
    ciphertext: carriesImage ? bytes.length - header : 0,
    total: bytes.length,
  }
}

function cell(row, text) {
  const td = document.createElement('td')
  td.textContent = text
  row.append(td)
}

/**
 * @param {HTMLTableElement} table
 * @param {(id: string) => string} nameOf
 */
export function createWireLog(table, nameOf) {
  const body = table.tBodies[0]
  return ({ record, variant, via, bytes }) => {
    const wire = describeWire(bytes)
    const row = document.createElement('tr')
    row.dataset.state = String(wire.state)
    row.dataset.via = via
    cell(row, nameOf(record.id) + (variant ? ` (${variant})` : ''))
    cell(row, via)
    cell(row, String(record.token))
    cell(row, `${record.statelessProof.slice(0, 14)}… (${record.statelessProof.length} chars)`)
    cell(row, `${wire.state} ${wire.stateName}`)
    cell(row, `${wire.header} B`)
    cell(row, `${wire.ciphertext.toLocaleString('en')} B`)
    cell(row, `${wire.total.toLocaleString('en')} B`)
    body.prepend(row)
    while (body.rows.length > MAX_ROWS) body.deleteRow(-1)
  }
}
