// pixstore/react with the real React 19 in Chromium (scenario: helpers/binding-scenario.ts).
import { describeBinding } from './helpers/binding-scenario.js'

describeBinding('react')
