// Byte-compile the site's Python in the site's own Pyodide, in Node (site/build.py runs it).
//
//   node site/precompile.mjs PYODIDE_DIR NOTEBOOK_DIR DIR ARCHIVE...
//
// PYODIDE_DIR is the npm package pyodide; NOTEBOOK_DIR the site's contents (the notebooks
// whose imports are found by running them); DIR holds the ARCHIVEs (wheels,
// python_stdlib.zip), which site/precompile.py rewrites in place. Nothing is fetched:
// Pyodide loads from PYODIDE_DIR, the wheels from DIR; any other URL makes fetch() throw.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [pyodideDir, notebooks, dir, ...archives] = process.argv.slice(2);
if (!pyodideDir || !notebooks || !dir || archives.length === 0) {
  process.stderr.write("usage: node site/precompile.mjs PYODIDE_DIR NOTEBOOK_DIR DIR ARCHIVE...\n");
  process.exit(2);
}
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, options) => {
  const url = String(resource?.url ?? resource);
  if (!url.startsWith("file:")) {
    throw new Error(`site/precompile.mjs fetches nothing from the network: ${url}`);
  }
  return realFetch(resource, options);
};
const here = path.dirname(fileURLToPath(import.meta.url));
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
pyodide.FS.mkdirTree("/site");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(dir) }, "/site");
// a copy of the notebooks' tree: the warm-up's cells may write files there
pyodide.FS.mkdirTree("/contents");
pyodide.FS.mkdirTree("/notebooks");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(notebooks) }, "/contents");
pyodide.FS.writeFile("/tmp/precompile.py", readFileSync(path.join(here, "precompile.py")));
pyodide.globals.set("archives", pyodide.toPy(archives.map((a) => `/site/${a}`)));
const code = pyodide.runPython(`
import runpy, shutil, sys
shutil.copytree("/contents", "/notebooks", dirs_exist_ok=True)
sys.argv = ["precompile.py", "/notebooks", *archives]
try:
    runpy.run_path("/tmp/precompile.py", run_name="__main__")
    _code = 0
except SystemExit as exc:
    _code = exc.code if isinstance(exc.code, int) else 1
_code
`);
process.exit(code);
