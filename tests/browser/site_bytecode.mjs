// The built site's Python, in Node: what tests/browser/test_site.py's bytecode test runs.
//
//   node site_bytecode.mjs SITE_PYODIDE_DIR SCRIPT_PY [EXTRA_PY_DIR]
//
// SITE_PYODIDE_DIR is site/_output/static/pyodide: the runtime with the site's own standard
// library zip, its pyodide-lock.json and wheels, each unpacked into site-packages as the
// page's loadPackage does; SCRIPT_PY runs with EXTRA_PY_DIR (if given) on sys.path, and the
// value of its last line is printed. Nothing is fetched but files: any other URL throws.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, script, extra] = process.argv.slice(2);
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, options) => {
  const url = String(resource?.url ?? resource);
  if (!url.startsWith("file:")) throw new Error(`nothing is fetched from the network: ${url}`);
  return realFetch(resource, options);
};
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: dir + path.sep,
  stdout: (line) => process.stderr.write(`[py] ${line}\n`),
  stderr: (line) => process.stderr.write(`[py] ${line}\n`),
});
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
const lock = JSON.parse(readFileSync(path.join(dir, "pyodide-lock.json"), "utf8"));
for (const entry of Object.values(lock.packages)) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(dir, entry.file_name))), "wheel",
                        { extractDir: sitePackages });
}
if (extra) {
  pyodide.FS.mkdirTree("/extra");
  for (const name of readdirSync(extra).filter((n) => n.endsWith(".py"))) {
    pyodide.FS.writeFile(`/extra/${name}`, new Uint8Array(readFileSync(path.join(extra, name))));
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/extra')");
}
process.stdout.write(`${pyodide.runPython(readFileSync(script, "utf8"))}\n`);
