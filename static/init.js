// Starts GOV.UK Frontend's components (menus, error summary focus, buttons).
import { initAll } from './build/govuk-frontend.min.js'

initAll()
