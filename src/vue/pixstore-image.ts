import { defineComponent, h, type PropType } from 'vue'
import { placeholderOf } from '../bindings/image-load.js'
import type { ImageRecord } from '../types/index.js'
import { usePixstoreImage } from './use-pixstore-image.js'

/**
 * An `<img>` showing `record`'s image through {@link usePixstoreImage}. Until the image is ready it
 * shows the record's blurred placeholder (record.info.placeholder) and reserves the box with
 * record.info's width and height (attributes you pass win). Other attributes go to the `<img>`;
 * `data-pixstore-status` carries the status for CSS.
 *
 * @example
 * ```ts
 * h(PixstoreImage, { record, variant: 'thumb', context: { playerId: 42 }, alt: 'Avatar' })
 * // in a template: <PixstoreImage :record="record" variant="thumb" :context="{ playerId: 42 }" alt="Avatar" />
 * ```
 */
export const PixstoreImage = defineComponent({
  name: 'PixstoreImage',
  inheritAttrs: false,
  props: {
    record: { type: Object as PropType<ImageRecord | null | undefined>, default: null },
    variant: { type: String as PropType<string | null | undefined>, default: undefined },
    context: { type: Object as PropType<Record<string, unknown> | undefined>, default: undefined },
  },
  setup(props, { attrs }) {
    const { url, status } = usePixstoreImage(
      () => props.record,
      () => ({ context: props.context, variant: props.variant }),
    )
    return () => {
      const placeholder = placeholderOf(props.record, props.variant)
      return h('img', {
        width: placeholder.width,
        height: placeholder.height,
        ...attrs,
        src: url.value ?? placeholder.src ?? undefined,
        'data-pixstore-status': status.value,
      })
    }
  },
})
