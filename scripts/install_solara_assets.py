"""Put Solara's front-end assets into its local CDN cache, so the app works offline.

Run it with the venv's Python (``.venv/bin/python scripts/install_solara_assets.py``);
``make setup`` does. It needs ``npm`` (the npm registry is reachable where a CDN is not).
Re-running it is cheap: packages already in the cache are skipped.

What was learned from reading solara-server 1.64 (``solara/server/{settings,cdn_helper,starlette,
server}.py``, ``templates/solara.html.j2``, ``components/markdown.py``):

* The page never talks to a CDN itself. With ``solara.settings.assets.proxy`` on (the default
  outside Colab/VS Code/Voila; env ``SOLARA_ASSETS_PROXY``) the HTML points every asset at
  ``<root>/_solara/cdn/<npm-package>@<version>/<path-in-package>``. The server answers those from
  a cache directory and, only on a miss, downloads ``https://cdn.jsdelivr.net/npm/<same path>``
  (env ``SOLARA_ASSETS_CDN``) and stores it there. Offline, a miss is a failed request.
* Cache directory: ``solara.server.settings.assets.proxy_cache_dir``, which is
  ``<sys.prefix>/share/solara/cdn`` (so ``.venv/share/solara/cdn`` here), or env
  ``SOLARA_ASSETS_PROXY_CACHE_DIR``. The layout is exactly the URL path:
  ``<cache>/<package>@<version>/<file as inside the npm tarball's package/>``.
  So ``npm pack PKG@VERSION`` and unpacking ``package/*`` into ``<cache>/PKG@VERSION/`` fills it.
* What a page asks for (ipywidgets 8, ipyvue/ipyvuetify 1.x, i.e. Vue 2):
  ``@widgetti/solara-vuetify-app@10.1.1`` (main8.css, fonts.css and the fonts it points at,
  solara-vuetify-app8[.min].js, which bundles Vue, Vuetify and the ipywidgets/ipyvue/ipyvuetify
  front-ends), ``requirejs@2.3.6`` (require.js), ``font-awesome@4.5.0`` (css + fonts, from
  ``settings.assets.fontawesome_path``). ``solara.Markdown`` additionally loads
  ``mermaid@10.8.0`` and ``katex@0.16.9`` on every mount, and ``solara.GridLayout`` loads
  ``@widgetti/vue-grid-layout``. With ipyvue 3 (Vue 3) Solara uses
  ``@widgetti/solara-vuetify3-app`` instead; this script follows the same rule.
* The versions are read here from the installed Solara's own source, so a Solara upgrade picks
  up the new versions (a changed source layout makes this script fail loudly instead).
* wijksim's charts (``wijksim.app.webchart``) load ECharts the same way; its package
  (``ECHARTS_PACKAGE`` there) is read from that module and installed here too.
* Not covered (load from a CDN only when used): ``FigureAltair`` (vega@5, semver-range URLs),
  Solara's own ``FigureEcharts`` (echarts@5.4.0), ``SqlCode``/``MarkdownEditor``, and
  third-party widgets whose JS is not bundled (bqplot, ipyleaflet, ...). Add such packages
  with ``--also PKG@VERSION``.
* Unrelated to assets but also network: the Solara server sends telemetry (api.ipify.org,
  api.mixpanel.com) at start unless ``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MARKER = ".installed-from-npm"  # written last, so a half-done unpack is redone next time


def solara_source(relpath: str) -> str:
    """Return the text of a file inside the installed ``solara`` package."""
    import solara

    return (Path(solara.__file__).parent / relpath).read_text(encoding="utf-8")


def pinned(text: str, package: str, where: str) -> str:
    """Find ``PACKAGE@X.Y.Z`` in ``text`` and return ``PACKAGE@X.Y.Z``."""
    m = re.search(re.escape(package) + r"@(\d+\.\d+\.\d+(?:-[\w.]+)?)/", text)
    if not m:
        sys.exit(f"error: no pinned version of {package} found in solara/{where}; "
                 "has Solara changed? Update scripts/install_solara_assets.py")
    return f"{package}@{m.group(1)}"


def wanted_packages() -> list[str]:
    """List the npm packages (with exact versions) that a Solara page loads through the proxy."""
    import ipyvue
    import solara.server.settings as server_settings

    template = solara_source("server/templates/solara.html.j2")
    # Same rule as solara/server/server.py: ipyvue 3 means Vue 3 and the vuetify3 app bundle.
    vue3 = ipyvue.__version__.startswith("3")
    app = "@widgetti/solara-vuetify3-app" if vue3 else "@widgetti/solara-vuetify-app"
    pkgs = [pinned(template, app, "server/templates/solara.html.j2"),
            pinned(template, "requirejs", "server/templates/solara.html.j2")]
    if server_settings.assets.fontawesome_enabled:
        pkgs.append(pinned(server_settings.assets.fontawesome_path, "font-awesome",
                           "server/settings.py (assets.fontawesome_path)"))
    markdown = solara_source("components/markdown.py")
    pkgs += [pinned(markdown, "mermaid", "components/markdown.py"),
             pinned(markdown, "katex", "components/markdown.py")]
    grid = solara_source("widgets/vue/gridlayout.vue")
    pkgs.append(pinned(grid, "@widgetti/vue-grid-layout", "widgets/vue/gridlayout.vue"))
    # wijksim's own charts are drawn in the browser by ECharts (src/wijksim/app/webchart.py)
    from wijksim.app.webchart import ECHARTS_PACKAGE

    pkgs.append(ECHARTS_PACKAGE)
    return pkgs


def install(spec: str, cache: Path, npm: str) -> bool:
    """Unpack ``npm pack SPEC`` into ``cache/SPEC/``; return False if it was there already."""
    target = cache / spec
    if (target / MARKER).exists():
        return False
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as tmp:
        out = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", tmp],
            cwd=tmp, check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        ).stdout
        tarball = Path(tmp) / json.loads(out)[0]["filename"]
        # npm names a scoped package's tarball widgetti-solara-vuetify-app-10.1.1.tgz; the
        # "filename" field has it right whatever npm version.
        if not tarball.exists():
            tarball = next(Path(tmp).glob("*.tgz"))
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tf:
            tf.extractall(unpacked, filter="data")
        # Everything in an npm tarball sits under one top folder, almost always "package/".
        (top,) = [p for p in unpacked.iterdir() if p.is_dir()]
        target.mkdir(parents=True, exist_ok=True)
        # Merge: the directory may already hold files that Solara itself cached while online.
        shutil.copytree(top, target, dirs_exist_ok=True)
        (target / MARKER).write_text(f"{spec}\n", encoding="utf-8")
    return True


def main() -> int:
    """Install the assets; print where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--also", action="append", default=[], metavar="PKG@VERSION",
                        help="an extra npm package to put in the cache (repeatable)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="default: Solara's own (settings.assets.proxy_cache_dir)")
    parser.add_argument("--list", action="store_true", help="only print what would be installed")
    args = parser.parse_args()

    # Importing solara.server.settings reads SOLARA_* env vars, exactly as the server will.
    import solara.server.settings as server_settings

    cache = (args.cache_dir or server_settings.assets.proxy_cache_dir).resolve()
    specs = wanted_packages() + args.also
    if args.list:
        print("\n".join(specs))
        print(f"cache: {cache}")
        return 0

    npm = shutil.which("npm")
    missing = [s for s in specs if not (cache / s / MARKER).exists()]
    if missing and not npm:
        sys.exit("error: npm is needed to fetch Solara's front-end assets "
                 "(Debian: apt-get install -y npm)")
    cache.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        try:
            fresh = install(spec, cache, npm or "npm")
        except subprocess.CalledProcessError as e:
            sys.exit(f"error: npm pack {spec} failed:\n{e.stderr.strip()}")
        print(f"solara assets: {spec:45s} {'installed' if fresh else 'present'}")
    print(f"solara assets: cache is {cache}")
    if os.environ.get("SOLARA_ASSETS_PROXY", "").lower() in ("0", "false", "no"):
        print("warning: SOLARA_ASSETS_PROXY is off, so Solara will not use this cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
