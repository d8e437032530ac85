"""The ``wijksim`` command line: run, compare and list scenarios.

Bad input of any kind ends with exit code 2 and one line ``error: FILE: FIELD: what is wrong``,
before anything is written.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated

import typer

try:  # typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exc
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from wijksim.analysis import report, runner
from wijksim.config import Config, load_config, parse_set
from wijksim.errors import ConfigError, WijksimError
from wijksim.kpis import MEASURES, REPORTED
from wijksim.presets import list_scenarios, scenario_dir

#: The first measure in the tables (a line separates the measures from the KPIs).
MEASURES_START = MEASURES[0]

app = typer.Typer(
    name="wijksim",
    help="Agent-based simulation of Dutch neighbourhood support systems (wijkteams, partners, "
    "residents' networks). Run scenarios, compare policies, list presets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True)

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config field: section.field=value (a TOML value; "
                 "a bare word is a string). Repeatable."),
]
SeedOption = Annotated[int | None, typer.Option(help="Seed of the first replicate.", min=0)]
WeeksOption = Annotated[int | None, typer.Option(help="Reported weeks (after warm-up).", min=1)]
ReplicatesOption = Annotated[
    int | None, typer.Option(help="Paired replicates (seeds derived from --seed).", min=1)
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Also write CSV twins of the tables.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")]


def resolve(path: Path, seed: int | None, weeks: int | None, replicates: int | None,
            sets: list[str] | None) -> Config:
    """Load a scenario with command-line overrides (raises ConfigError on any problem)."""
    overrides = parse_set(sets)
    if seed is not None:
        overrides.append(("run.seed", seed))
    if weeks is not None:
        overrides.append(("run.weeks", weeks))
    if replicates is not None:
        overrides.append(("run.replicates", replicates))
    cfg = load_config(path, overrides)
    if overrides:  # the written config.toml says what the command line changed
        changed = ", ".join(f"{key} = {value!r}" for key, value in overrides)
        text = f"{cfg.description}\n(Changed on the command line: {changed}.)".strip()
        cfg = cfg.model_copy(update={"description": text})  # no re-validation of the whole
    return cfg


def progress_bar(total: int, quiet: bool) -> Progress:
    """A progress bar over simulated weeks (silent when quiet or not a terminal)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} weeks"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    )


def run_with_progress(cfgs: dict[str, Config], quiet: bool) -> dict[str, runner.RunResult]:
    """Run every scenario's replicates under one progress bar."""
    total = sum((c.run.warmup_weeks + c.run.weeks) * c.run.replicates for c in cfgs.values())
    results = {}
    with progress_bar(total, quiet) as bar:
        task = bar.add_task("simulating", total=total)
        for name, cfg in cfgs.items():
            bar.update(task, description=f"simulating {name}")
            results[name] = runner.run_replicates(
                cfg, advance=lambda k: bar.advance(task, k)
            )
    return results


def check_out_dir(out: Path) -> None:
    """Refuse an output path that is a file."""
    if out.exists() and not out.is_dir():
        raise ConfigError(str(out), "--out", "exists and is not a folder")


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="Scenario TOML file (see `wijksim scenarios`).")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: results/NAME).")] = None,
    seed: SeedOption = None,
    weeks: WeeksOption = None,
    replicates: ReplicatesOption = None,
    set_: SetOption = None,
    csv: CsvOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a scenario and write time series, summary, config, meta and plots."""
    cfg = resolve(config, seed, weeks, replicates, set_)
    out = out or Path("results") / config.stem
    check_out_dir(out)
    result = run_with_progress({config.stem: cfg}, quiet)[config.stem]
    runner.write_run(out, result, ["wijksim", *sys.argv[1:]], csv=csv)
    if not quiet:
        print_summary(config.stem, result)
        out_console.print(f"\nOutputs in [bold]{out}[/]: timeseries.parquet, summary.parquet, "
                          "config.toml, meta.json, plots/")


def print_summary(name: str, result: runner.RunResult) -> None:
    """Mean of each KPI over replicates, with min and max."""
    s = result.summary
    table = Table(title=f"{name}: {len(s)} replicate(s), weeks 1-{result.config.run.weeks} "
                  f"after {result.config.run.warmup_weeks} weeks warm-up")
    for col in ("KPI", "unit", "mean", "min", "max"):
        table.add_column(col, justify="left" if col in ("KPI", "unit") else "right")
    for kpi in REPORTED:
        if kpi == MEASURES_START:
            table.add_section()
        table.add_row(kpi, report.unit(kpi), report.show(kpi, s[kpi].mean()),
                      report.show(kpi, s[kpi].min()), report.show(kpi, s[kpi].max()))
    out_console.print(table)


@app.command()
def compare(
    configs: Annotated[list[Path], typer.Argument(help="Two or more scenario TOML files; the "
                                                  "first is the reference (A).")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: results/compare-A-"
                                             "vs-B).")] = None,
    replicates: Annotated[int | None, typer.Option(help="Paired replicates (default: 10).",
                                                   min=1)] = None,
    seed: SeedOption = None,
    weeks: WeeksOption = None,
    set_: SetOption = None,
    csv: CsvOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run scenarios on the same seeds and show each KPI's paired difference with a 95% interval."""
    if len(configs) < 2:
        raise ConfigError("compare", "CONFIGS", "give at least two scenario files")
    names = unique_names(configs)
    reps = replicates if replicates is not None else 10
    cfgs = {n: resolve(p, seed, weeks, reps, set_) for n, p in zip(names, configs, strict=True)}
    out = out or Path("results") / ("compare-" + "-vs-".join(names))
    check_out_dir(out)
    results = run_with_progress(cfgs, quiet)
    command = ["wijksim", *sys.argv[1:]]
    ref = names[0]
    for name in names:
        runner.write_run(out / name, results[name], command, csv=csv)
    from wijksim.analysis import plots

    plots.plot_lines({n: r.timeseries for n, r in results.items()}, out / "plots" / "kpis.png",
                     " vs ".join(names))
    for name in names[1:]:
        if not quiet:
            print_costs(ref, name, results[ref], results[name])
        diff = runner.paired_differences(results[ref].summary, results[name].summary,
                                         REPORTED)
        diff.insert(0, "scenario", name)
        diff.insert(0, "reference", ref)
        runner.write_table(diff, out / f"differences_{name}.parquet", csv)
        plots.plot_differences(diff, out / "plots" / f"differences_{name}.png",
                               f"{name} minus {ref} (paired, {reps} replicates)")
        if not quiet:
            print_differences(ref, name, diff)
    if not quiet:
        out_console.print(f"\nOutputs in [bold]{out}[/]: one folder per scenario, "
                          "differences_*.parquet, plots/")


@app.command()
def brief(
    configs: Annotated[list[Path], typer.Argument(metavar="A.toml B.toml", help="The two "
                                                  "scenarios: A (the reference) and B.")],
    out: Annotated[Path, typer.Option(help="HTML file to write (one self-contained page).")],
    replicates: Annotated[int, typer.Option(help="Paired replicates (seeds derived from "
                                            "--seed); intervals need 2 or more.", min=1)] = 10,
    lang: Annotated[str, typer.Option(help="Language of the page: nl or en.")] = "nl",
    window: Annotated[str, typer.Option(help="Weeks to average over: all, last-year or "
                                        "from:N (from reported week N).")] = "all",
    seed: SeedOption = None,
    weeks: WeeksOption = None,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write a brief for a council memo: B against A, costs by payer, intervals, charts."""
    from wijksim.analysis import brief as brief_mod
    from wijksim.analysis import report
    from wijksim.files import atomic_write

    if len(configs) != 2:
        raise ConfigError("brief", "A.toml B.toml", f"give two scenario files (got {len(configs)})")
    if lang not in report.LANGS:
        raise ConfigError("brief", "--lang", f"{lang!r}: choose nl or en")
    if out.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(str(out), "--out", "must be an .html file")
    names = unique_names(configs)
    cfgs = {n: resolve(p, seed, weeks, replicates, set_)
            for n, p in zip(names, configs, strict=True)}
    horizon = min(c.run.weeks for c in cfgs.values())
    try:
        report.window_weeks(horizon, window)
    except ValueError as exc:
        raise ConfigError("brief", "--window", str(exc)) from None
    total = sum((c.run.warmup_weeks + c.run.weeks) * replicates for c in cfgs.values())
    with progress_bar(total, quiet) as bar:
        task = bar.add_task("simulating", total=total)
        scenarios = brief_mod.run_scenarios(cfgs, replicates, seed,
                                            advance=lambda k: bar.advance(task, k))
    page = brief_mod.render(scenarios, lang, window, ["wijksim", *sys.argv[1:]])
    atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))
    if not quiet:
        out_console.print(f"Brief in [bold]{out}[/] ({len(page) // 1024} kB, works offline)")


def unique_names(paths: list[Path]) -> list[str]:
    """Scenario names from file stems, made unique."""
    names: list[str] = []
    for p in paths:
        name, k = p.stem, 2
        while name in names:
            name, k = f"{p.stem}_{k}", k + 1
        names.append(name)
    return names


#: Headings of the groups of the costs table.
COST_GROUPS = {"gemeente": "Gemeente budget", "others": "Paid by others", "total": "All payers"}


def print_costs(ref: str, name: str, a: runner.RunResult, b: runner.RunResult) -> None:
    """Costs by payer as a gemeente reads them: its budget first, per year and over the run."""
    comparison = report.compare_results(a, b, (ref, name))
    table = Table(title=f"Costs by payer, {name} vs {ref} (x EUR 1,000; paired, 95% interval)")
    for col in ("", "per year: A", "B", "B - A", "95% interval",
                f"over {comparison.years:.1f} years: A", "B", "B - A", "95% interval"):
        table.add_column(col, justify="left" if not col else "right")
    group = ""
    for row in report.cost_rows(comparison):
        if row["group"] != group:
            group = row["group"]
            table.add_section()
            table.add_row(f"[bold]{COST_GROUPS[group]}[/]")
        mark = " *" if row["significant"] else ""
        table.add_row(row["label"], row["a"], row["b"], row["diff"] + mark, row["ci"],
                      row["sum_a"], row["sum_b"], row["sum_diff"], row["sum_ci"])
    out_console.print(table)


def print_differences(ref: str, name: str, diff) -> None:
    """A table of A, B, B - A and the 95% interval per KPI."""
    n = int(diff["n"].max()) if len(diff) else 0
    table = Table(title=f"{name} vs {ref}: paired differences over {n} seeds "
                  "(B - A, 95% interval)")
    for col in ("KPI", "unit", ref, name, "difference", "95% interval", ""):
        table.add_column(col, justify="left" if col in ("KPI", "unit") else "right")
    for row in diff.itertuples():
        if row.kpi == MEASURES_START:
            table.add_section()
        significant = not (row.ci_low <= 0 <= row.ci_high) if not math.isnan(row.ci_low) else False
        table.add_row(
            row.kpi, report.unit(row.kpi), report.show(row.kpi, row.mean_a),
            report.show(row.kpi, row.mean_b), report.show(row.kpi, row.diff, signed=True),
            f"[{report.show(row.kpi, row.ci_low)}, {report.show(row.kpi, row.ci_high)}]",
            "*" if significant else "",
        )
    out_console.print(table)
    out_console.print("* the interval excludes 0")


@app.command()
def scenarios(
    folder: Annotated[Path | None, typer.Option("--dir", help="Folder of scenario files.")] = None,
) -> None:
    """List the scenario presets with what each shows."""
    folder = folder or scenario_dir()
    items = list_scenarios(folder)
    table = Table(title=f"Scenarios in {folder}")
    table.add_column("file")
    table.add_column("description")
    for path, description in items:
        table.add_row(path.name, description)
    out_console.print(table)


municipality_app = typer.Typer(
    help="Your own municipality: wijk profiles from CBS's Kerncijfers wijken en buurten.",
    no_args_is_help=True,
)
app.add_typer(municipality_app, name="municipality")


@municipality_app.command(name="import")
def municipality_import(
    file: Annotated[Path, typer.Argument(
        metavar="FILE.csv", help="CBS Kerncijfers wijken en buurten as StatLine or cbsodata "
        "write it (open-data column keys such as HuishoudensTotaal_28; ; or , separated).")],
    gemeente: Annotated[str, typer.Option(help="The gemeente, as CBS names it "
                                          "(Gemeentenaam), e.g. Almelo.")],
    out: Annotated[Path, typer.Option(help="Scenario file to write.")],
    table: Annotated[str, typer.Option(help="StatLine table id of the file, recorded in the "
                                       "config (84799NED is 2020).")] = "",
    year: Annotated[int | None, typer.Option(help="Year of the figures, recorded in the "
                                             "config.", min=1990, max=2100)] = None,
    extends: Annotated[str, typer.Option(help="Scenario the config builds on (its levers and "
                                         "rates).")] = "preset:baseline",
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Write a scenario with one wijk profile per wijk of GEMEENTE in a CBS file."""
    from wijksim import cbs
    from wijksim.files import atomic_write

    if out.exists() and not force:
        raise ConfigError(str(out), "--out", "exists (use --force to overwrite)")
    if out.suffix != ".toml":
        raise ConfigError(str(out), "--out", "must be a .toml file")
    town = cbs.read_municipality(file, gemeente)
    text = cbs.config_text(town, file, table, year, extends)
    atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"))
    try:  # the config must run as it is: check it before leaving it
        cfg = load_config(out)
    except ConfigError:
        out.unlink(missing_ok=True)
        raise
    households = cfg.population.households
    out_console.print(f"{town.name}: {len(town.wijken)} wijken, {households:,} households "
                      f"-> [bold]{out}[/]")
    if town.skipped:
        out_console.print(f"left out (no households in the file): {', '.join(town.skipped)}")


@app.command(name="app")
def app_command(
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8765,
    host: Annotated[str, typer.Option(help="Address to bind; the default serves this "
                                      "machine only. Another address needs --join-code.")
                    ] = "127.0.0.1",
    join_code: Annotated[str | None, typer.Option(
        "--join-code", help="Class session code (4-32 letters, digits, dashes): groups on "
        "other computers need it to reach the app; the class the lecturer opens gets it.")
    ] = None,
) -> None:
    """Serve the app (Solara page, Dutch/English) on HOST:PORT; works with no internet."""
    from wijksim.app.launch import serve

    serve(host, port, join_code)


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(metavar="SWEEP", help="Sweep TOML file (see "
                                               "docs/experiments.md).")],
    out: Annotated[Path | None, typer.Option(help="Output folder; run the same command again "
                                             "to resume (default: results/sweeps/NAME).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local worker processes (default: number "
                                                "of cores).", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option(help="Run on an existing Dask cluster: "
                                                  "tcp://HOST:PORT.")] = None,
    slurm_jobscript: Annotated[bool, typer.Option(
        "--slurm-jobscript", help="Print a Slurm job script that starts Dask workers for "
        "--scheduler (dask-jobqueue) and exit; see docs/experiments.md.")] = False,
    replicates: Annotated[int | None, typer.Option(
        help="Paired replicates, replacing the file's; more than a finished sweep has adds "
        "the new ones in place.", min=1)] = None,
    kpis: Annotated[str | None, typer.Option(
        help="KPIs to store, comma-separated (default: the file's `kpis`, else all).")] = None,
    csv: CsvOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a parameter sweep (grid, lhs or sobol design; paired replicates); resumable."""
    from wijksim.analysis import sweeps

    if slurm_jobscript:
        sweeps.read_sweep(sweep_file)
        if not scheduler:
            raise ConfigError(str(sweep_file), "--slurm-jobscript", "needs --scheduler "
                              "tcp://HOST:PORT, the scheduler the workers connect to")
        print(sweeps.slurm_job_script(scheduler))
        return
    result = sweeps.run_sweep(sweep_file, out or Path("results/sweeps") / sweep_file.stem,
                              workers=workers, scheduler=scheduler, quiet=quiet,
                              command=["wijksim", *sys.argv[1:]], replicates=replicates,
                              kpis=kpis.split(",") if kpis else None, csv=csv)
    sweeps.report(result, out_console, quiet)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def rerun(
    sweep_dir: Annotated[Path, typer.Argument(metavar="SWEEP_DIR", help="A sweep's output "
                                              "folder.")],
    key: Annotated[str, typer.Argument(metavar="KEY", help="The run's key (the summary's `key` "
                                       "column; a unique prefix will do).")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: "
                                             "results/rerun/KEY).")] = None,
    csv: CsvOption = False,
    quiet: QuietOption = False,
) -> None:
    """Repeat one run of a sweep from its record (its resolved config and seed), bit for bit.

    Writes the run's outputs as `wijksim run` does and checks its KPIs against the sweep's
    record: exit 0 when every KPI is identical, 1 when any differs (another wijksim or
    dependency version, see the sweep's manifest.json).
    """
    from wijksim.analysis import sweeps

    record = sweeps.find_record(sweep_dir, key)
    cfg = sweeps.record_config(record, sweep_dir)
    out = out or Path("results") / "rerun" / record["key"]
    check_out_dir(out)
    result = run_with_progress({record["key"]: cfg}, quiet)[record["key"]]  # its one seed
    runner.write_run(out, result, ["wijksim", *sys.argv[1:]], csv=csv,
                     extra={"rerun_of": {"sweep": str(sweep_dir), "key": record["key"]}})
    row = result.summary.iloc[0]
    differ = [k for k, v in record["kpis"].items()
              if not (v == row[k] or (v is None or math.isnan(v)) and math.isnan(row[k]))]
    if differ:
        err_console.print(f"rerun of {record['key']}: {len(differ)} of {len(record['kpis'])} "
                          f"KPIs differ from the sweep's record ({', '.join(differ[:5])}"
                          f"{', ...' if len(differ) > 5 else ''}); outputs in {out}")
        raise typer.Exit(1)
    if not quiet:
        out_console.print(f"rerun of {record['key']} (seed {record['seed']}): all "
                          f"{len(record['kpis'])} KPIs identical to the sweep's record; "
                          f"outputs in [bold]{out}[/]")


@app.command()
def sensitivity(
    sweep_file: Annotated[Path, typer.Argument(metavar="SWEEP", help="Sweep TOML file; its "
                                               "{min, max} parameters are the factors.")],
    method: Annotated[str, typer.Option(help="sobol (S1, ST) or morris (mu*, sigma).")] = "sobol",
    kpi: Annotated[list[str] | None, typer.Option(help="KPI to analyse (repeatable) (default: "
                                                  "escalations_per_1000, cost_total, "
                                                  "time_to_help_weeks, workload).")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (runs resume) (default: "
                                             "results/sensitivity/NAME-METHOD).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local worker processes.", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Global sensitivity analysis with SALib (Sobol or Morris) through the sweep machinery."""
    from wijksim.analysis import sensitivity as sens

    result = sens.run_sensitivity(sweep_file, method, kpi, out, workers=workers,
                                  scheduler=scheduler, quiet=quiet,
                                  command=["wijksim", *sys.argv[1:]])
    sens.report(result, out_console, quiet)
    if result.sweep.failed:
        raise typer.Exit(1)


# --- calibrate and validate (wijksim/analysis/calibration.py and validation.py) ------------


def _runs_bar(total: int, quiet: bool, what: str):
    """A progress bar over model runs; returns the bar and an ``advance(n, label)`` callback."""
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total} runs"), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=err_console, disable=quiet, transient=True)
    task = bar.add_task(what, total=total)

    def advance(n: int, label: str) -> None:
        bar.update(task, advance=n, description=f"{what}: {label}")

    return bar, advance


@app.command()
def calibrate(
    config: Annotated[Path, typer.Argument(help="Scenario to calibrate (the baseline).")] = Path(
        "configs/baseline.toml"),
    write: Annotated[Path | None, typer.Option(help="Calibrated config to write (default: "
                                               "calibrated.toml in the report folder).")] = None,
    write_config: Annotated[bool, typer.Option(
        "--write-config", help="Replace calibrated.toml next to CONFIG (configs/calibrated.toml, "
        "which every preset builds on) instead of writing into the report folder.")] = False,
    report: Annotated[Path | None, typer.Option(help="Report folder (default: "
                                                "results/calibration, or "
                                                "results/calibration-quick).")] = None,
    docs: Annotated[Path | None, typer.Option(help="Also rewrite the generated block of this "
                                              "markdown file (docs/calibration.md) and its "
                                              "figures in img/ next to it.")] = None,
    budget: Annotated[int | None, typer.Option(help="Model runs for screen and fit (default: "
                                               "300, about 15-20 minutes on 2 cores; --quick: "
                                               "40).", min=1)] = None,
    quick: Annotated[bool, typer.Option("--quick", help="A small wijk, a short horizon and a "
                                        "tiny budget: checks the machinery, not a "
                                        "calibration.")] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: cores, at "
                                                "most 8).", min=1)] = None,
    seed: Annotated[int, typer.Option(help="Seed of the screen design and the common "
                                      "seeds.", min=0)] = 1,
    refine: Annotated[bool, typer.Option("--refine", help="Start from CONFIG's values (e.g. "
                                         "the current calibration) instead of the first "
                                         "estimates in config.py.")] = False,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Fit the base rates to the CBS figures of P7; write a calibrated config and a report.

    A Morris screen ranks the candidate parameters; simulated method of moments fits them.
    See docs/calibration.md.
    """
    from wijksim.analysis import calibration

    overrides = parse_set(set_)
    load_config(config, overrides)  # bad input stops here, before anything runs
    settings = calibration.settings_for(quick, budget, workers, seed)
    settings.overrides = settings.overrides + overrides
    settings.refine = refine
    report = report or Path("results/calibration-quick" if quick else "results/calibration")
    if write is not None and write_config:
        raise ConfigError("--write-config", "--write", "give one of them, not both")
    write = write or (config.parent / "calibrated.toml" if write_config
                      else report / "calibrated.toml")
    check_out_dir(report)
    bar, advance = _runs_bar(calibration.total_runs(settings), quiet, "calibrating")
    with bar:
        result = calibration.calibrate(config, settings, advance)
    written = calibration.write_outputs(result, write, report, docs,
                                        " ".join(["wijksim", *sys.argv[1:]]))
    if not quiet:
        calibration.print_result(result, out_console)
        out_console.print(f"\nCalibrated config: [bold]{write}[/]; report: [bold]{report}[/]"
                          + (f"; docs: [bold]{docs}[/]" if docs else "")
                          + f" ({len(written)} files)")


@app.command(name="validate")
def validate_command(
    quick: Annotated[bool, typer.Option("--quick", help="Small populations, a 5-year spin-up, "
                                        "a short horizon and 3 replicates (about a minute; it "
                                        "checks the machinery, not the patterns).")] = False,
    config: Annotated[Path, typer.Option(help="The baseline; the other presets are read from "
                                         "its folder.")] = Path("configs/baseline.toml"),
    report: Annotated[Path | None, typer.Option(help="Markdown report to write, figures in "
                                                "validation/ next to it (default: "
                                                "results/validation/validation.md; --quick: "
                                                "results/validation-quick/validation.md).")
                      ] = None,
    write_docs: Annotated[bool, typer.Option(
        "--write-docs", help="Replace docs/validation.md (and docs/validation/), the shipped "
        "report, keeping its notes block.")] = False,
    pattern: Annotated[list[str] | None, typer.Option(help="Only this pattern (P1-P8; "
                                                      "repeatable).")] = None,
    replicates: Annotated[int | None, typer.Option(help="Paired replicates (default: 10; "
                                                   "--quick: 3).", min=2)] = None,
    seed: Annotated[int, typer.Option(help="Seed of the first replicate.", min=0)] = 1,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: cores, at "
                                                "most 8).", min=1)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 1 when a pattern "
                                         "does not hold.")] = False,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Check the patterns P1-P8 on paired replicates: effect, 95% interval, holds or not."""
    from wijksim.analysis import validation

    patterns = validation.check_patterns(pattern)
    overrides = parse_set(set_)
    load_config(config, overrides)  # bad input stops here, before anything runs
    if report is not None and write_docs:
        raise ConfigError("--write-docs", "--report", "give one of them, not both")
    report = report or Path("docs/validation.md" if write_docs
                            else "results/validation-quick/validation.md" if quick
                            else "results/validation/validation.md")
    if report.exists() and report.is_dir():
        raise ConfigError(str(report), "--report", "is a folder; give a markdown file")
    total = validation.total_runs(quick, patterns, replicates)
    bar, advance = _runs_bar(total, quiet, "validating")
    with bar:
        result = validation.validate(config, quick, patterns, replicates, seed, workers, advance,
                                     overrides)
    validation.write_report(result, report, " ".join(["wijksim", *sys.argv[1:]]))
    if not quiet:
        validation.print_result(result, out_console)
    held = sum(p.holds for p in result.patterns)
    out_console.print(f"{held} of {len(result.patterns)} patterns hold. Report: [bold]{report}[/]"
                      f" (figures and validation.json in {validation.figure_dir(report)})")
    if strict and not all(p.holds for p in result.patterns):
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``wijksim`` command."""
    from wijksim.analysis.parallel import Terminated, sigterm_stops

    try:
        with sigterm_stops():
            code = app(args=argv, prog_name="wijksim", standalone_mode=False)
    except WijksimError as exc:
        print(exc.one_line(), file=sys.stderr)
        sys.exit(2)
    except click_exc.NoArgsIsHelpError as exc:
        if exc.ctx is not None:
            print(exc.ctx.get_help())
        sys.exit(2)
    except click_exc.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "wijksim"
        print(f"error: {where}: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    except Terminated:
        print("error: terminated (SIGTERM)", file=sys.stderr)
        sys.exit(143)
    sys.exit(code if isinstance(code, int) else 0)


