// A job's page while it runs: reads the job's progress and moves the bar without reloading;
// once the job has finished, reloads to show the result. Without JavaScript (or when the
// progress cannot be read) the page offers its "Check progress" link instead.
const box = document.querySelector('[data-job-status-url]')

if (box) {
  const url = box.dataset.jobStatusUrl
  const every = Number(box.dataset.poll) || 1500
  const unit = box.dataset.unit
  const bar = box.querySelector('progress')
  const text = box.querySelector('[role="status"]')
  const refresh = box.querySelector('.epa-job__refresh')
  const tag = document.querySelector('.govuk-tag')
  const numbers = new Intl.NumberFormat('en-GB')
  refresh.hidden = true
  // What was last announced: screen readers hear a change of state and each tenth of the
  // work (or each 10,000 rows when the total is not known), not every poll.
  let said = null

  const say = (step, words) => {
    if (step !== said) {
      said = step
      text.textContent = words
    }
  }

  const show = (job) => {
    const { done, total } = job.progress
    if (job.status === 'queued') {
      say('queued', 'Waiting for a worker to start.')
      return
    }
    if (tag) {
      tag.textContent = 'In progress'
      tag.className = 'govuk-tag govuk-tag--blue'
    }
    if (total) {
      bar.max = total
      bar.value = done
      bar.textContent = `${numbers.format(done)} of ${numbers.format(total)}`
      say(`tenth ${Math.floor((done * 10) / total)}`, `${numbers.format(done)} of ${numbers.format(total)} ${unit}.`)
    } else if (done) {
      say(`rows ${Math.floor(done / 10000)}`, `${numbers.format(done)} ${unit}.`)
    } else {
      say('running', 'Started.')
    }
  }

  const check = async () => {
    let job = null
    try {
      const answer = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (answer.ok) job = await answer.json()
      else if (answer.status !== 503) {
        // Signed out, or no longer allowed: stop asking, and offer the link again.
        refresh.hidden = false
        return
      }
    } catch (error) {
      // The network failed for a moment: try again at the next poll.
    }
    if (job && (job.status === 'succeeded' || job.status === 'failed')) {
      window.location.reload()
      return
    }
    if (job) show(job)
    window.setTimeout(check, every)
  }
  window.setTimeout(check, every)
}
