"""What the notebooks and apps use to teach: nothing here is needed to compute a hash.

- :mod:`.calculator`: every variant of the hash and the mistake behind each
  (notebook 03); :mod:`.widgets` wires it, and the troubleshooting form, to
  ipywidgets.
- :mod:`.troubleshooting`: the form of notebook 09 and the diagnosis app,
  as a plain function a cell can call.
- :mod:`.exercises`: each notebook's exercise checks (``check_exercise``).
- :mod:`.snippets`: the other languages' snippets in ``snippets/``, rendered
  and run (notebook 10).
- :mod:`.apps`: the calculator and diagnosis form as Voilà pages (``apps/``).

The public names are re-exported by ``cognito_helpers`` itself
(``ch.hash_calculator``, ``ch.troubleshoot``, ``ch.check_exercise``...).
"""
