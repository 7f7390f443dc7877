// modules/notes/index.ts
import { defineModule, HttpError } from '../../kernel/index.ts'

export default defineModule({
  setup(ctx) {
    ctx.setInterval(() => ctx.log.info('still here'), 60_000) // released on reload
  },
  routes(router, ctx) {
    const notes = ctx.store.collection('notes', { items: [] as string[] })
    router.post('/', ctx.validate({
      summary: 'Add a note',
      body: { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'] },
    }), async (c) => {
      c.status = 201
      const { text } = c.request.body as { text: string }
      c.body = await notes.update((d) => { d.items.push(text); return { count: d.items.length } })
    })
    router.get('/:i', ctx.validate({ summary: 'One note' }), async (c) => {
      const text = (await notes.read()).items[Number(c.params.i)]
      if (text === undefined) throw new HttpError(404, 'NOTE_NOT_FOUND', `No note ${c.params.i}`)
      c.body = { text }
    })
  },
})
