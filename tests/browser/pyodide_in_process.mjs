// The local Cognito in Pyodide, in Node: the proof behind tests/browser/test_pyodide_in_process.py.
//
//   node pyodide_in_process.mjs PYODIDE_DIR SITE_PACKAGES_ZIP FLOWS_PY
//
// PYODIDE_DIR is the npm package pyodide (site/node_modules/pyodide, as `make site` installs
// it); SITE_PACKAGES_ZIP the pure-Python packages (the project, boto3, moto, ...), unpacked
// into Pyodide's site-packages; FLOWS_PY tests/in_process_flows.py, whose run_flows() runs.
// Nothing is fetched: every URL but a local file makes fetch() throw. Prints one JSON line.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, zipPath, flowsPath] = process.argv.slice(2);
const t0 = performance.now();

const realFetch = globalThis.fetch;
const fetched = [];
globalThis.fetch = async (resource, options) => {
  const url = String(resource?.url ?? resource);
  fetched.push(url);
  if (!url.startsWith("file:")) {
    throw new Error(`the proof fetches nothing from the network: ${url}`);
  }
  return realFetch(resource, options);
};

const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdout: (line) => process.stderr.write(`[py] ${line}\n`),
  stderr: (line) => process.stderr.write(`[py] ${line}\n`),
});
const loaded = performance.now();

const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(new Uint8Array(readFileSync(zipPath)), "zip", { extractDir: sitePackages });
pyodide.FS.mkdirTree("/proof");
pyodide.FS.writeFile("/proof/in_process_flows.py", new Uint8Array(readFileSync(flowsPath)));
const unpacked = performance.now();

const answer = pyodide.runPython(`
import json, sys
sys.path.insert(0, "/proof")
import in_process_flows
from cognito_helpers.local import LocalCognito
result = in_process_flows.run_flows()
import jwt.algorithms
json.dumps({
    "platform": sys.platform,
    "python": sys.version.split()[0],
    "default_in_process": LocalCognito().in_process,
    "has_cryptography": jwt.algorithms.has_crypto,
    "ssl_imported": "ssl" in sys.modules,
    "wrong_hash": result["wrong_hash"],
    "endpoint_url": result["endpoint_url"],
    "issuer": result["issuer"],
    "id_token_parts": result["id_token"].count(".") + 1,
    "timings": result["timings"],
})
`);
const done = performance.now();
const result = JSON.parse(answer);
const pythonStart = (unpacked - t0) / 1000;
result.seconds = {
  load_pyodide: (loaded - t0) / 1000,
  unpack_packages: (unpacked - loaded) / 1000,
  to_first_sign_in: pythonStart + result.timings.first_sign_in,
  total: (done - t0) / 1000,
};
result.network = fetched.filter((url) => !url.startsWith("file:"));
process.stdout.write(JSON.stringify(result) + "\n");
