// pixstore/vue with the real Vue 3 in Chromium (scenario: helpers/binding-scenario.ts).
import { describeBinding } from './helpers/binding-scenario.js'

describeBinding('vue')
