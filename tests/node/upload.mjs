// Uploads files with the pinned official client so the conformance test can
// compare its calls with ours. Usage:
//   node upload.mjs <result.json> <name> <rootDirectory> [--retention-days N] <file>...
// Connection settings come from ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL.
import {writeFileSync} from 'node:fs'
import {DefaultArtifactClient} from '@actions/artifact'

async function main(argv) {
  const [resultPath, name, rootDirectory, ...rest] = argv
  if (!resultPath || !name || !rootDirectory) {
    throw new Error('usage: upload.mjs <result.json> <name> <rootDirectory> [--retention-days N] <file>...')
  }
  const options = {}
  const files = []
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--retention-days') {
      options.retentionDays = Number(rest[++i])
    } else {
      files.push(rest[i])
    }
  }
  const client = new DefaultArtifactClient()
  const response = await client.uploadArtifact(name, files, rootDirectory, options)
  writeFileSync(resultPath, JSON.stringify(response))
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`upload.mjs: ${error && error.message ? error.message : error}\n`)
  process.exit(1)
})
