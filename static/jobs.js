// A job's page while it runs: reads the job's progress and moves the bar without reloading;
// once the job has finished, reloads to show the result. Without JavaScript the page has a
// "Check progress" link instead.
const box = document.querySelector('[data-job-status-url]')

if (box) {
  const url = box.dataset.jobStatusUrl
  const every = Number(box.dataset.poll) || 1500
  const unit = box.dataset.unit
  const bar = box.querySelector('progress')
  const text = box.querySelector('[role="status"]')
  const numbers = new Intl.NumberFormat('en-GB')
  box.querySelector('.epa-job__refresh').hidden = true
  let announced = -1

  const check = async () => {
    try {
      const answer = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (answer.ok) {
        const job = await answer.json()
        if (job.status === 'succeeded' || job.status === 'failed') {
          window.location.reload()
          return
        }
        const { done, total } = job.progress
        if (total) {
          bar.max = total
          bar.value = done
          bar.textContent = `${numbers.format(done)} of ${numbers.format(total)}`
        }
        // Screen readers hear every tenth, not every poll.
        const tenth = total ? Math.floor((done * 10) / total) : done > 0 ? 0 : -1
        if (job.status === 'running' && tenth !== announced) {
          announced = tenth
          text.textContent = total
            ? `${numbers.format(done)} of ${numbers.format(total)} ${unit}.`
            : `${numbers.format(done)} ${unit}.`
        }
      }
    } catch (error) {
      // The network failed for a moment: try again at the next poll.
    }
    window.setTimeout(check, every)
  }
  window.setTimeout(check, every)
}
