// modules/weather/index.js
export default {
  routes(router) {
    router.get('/today', (c) => { c.body = { sunny: true } })   // GET /api/weather/today
  },
}
