// Preloaded by the benchmark (node --require): reports the process's peak resident memory on exit.
process.on('exit', () => {
  process.stderr.write(`\n[peak-rss] ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
});
