"""The ``marmot-dash`` command: serve, demo, validate, build, fetch, export, deck and report.

User errors (bad files, unknown ids, missing folders, and what the operating system refuses: a
full disk, a read-only folder, a path under a file) print one line to stderr and exit 1;
tracebacks are for bugs only.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from marmot_dash.data.errors import DatasetError, UserError

DEFAULT_DATA_DIR = Path(os.environ.get("MARMOT_DATA_DIR", "data"))

cli = typer.Typer(
    name="marmot-dash",
    help="Marmot Town indicator dashboard: build datasets, check them and serve the dashboard.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., object])
USER_ERRORS = (DatasetError, UserError, OSError, KeyError, ValueError)


def error_line(error: BaseException) -> str:
    """A user error as one line: a file's OS error as ``path: reason``, a KeyError unquoted."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    return " ".join(str(error).split())  # one line, whatever the message holds


def user_errors(command: F) -> F:
    """Turn a user error into one clear line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            typer.echo(f"error: {error_line(error)}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@cli.command()
@user_errors
def serve(
    data: Annotated[Path, typer.Option(help="Dataset folder.")] = DEFAULT_DATA_DIR,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    demo: Annotated[
        bool, typer.Option("--demo", help="Simulate the illustrative dataset into DATA first "
                                          "if it holds none.")
    ] = False,
) -> None:
    """Serve the dashboard on a dataset (a development server; production: gunicorn.conf.py)."""
    from marmot_dash import create_app
    from marmot_dash.server import warm

    if demo:
        from marmot_dash.data.default import ensure_dataset

        if ensure_dataset(data):
            typer.echo(f"No dataset in {data}: simulated the illustrative one there "
                       "(simulated values, not official statistics).")
    app = create_app(data)
    warm(app)
    typer.echo(f"Marmot indicators: http://{host}:{port}")
    app.run(host=host, port=port, debug=False)


@cli.command()
@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset to.")] = DEFAULT_DATA_DIR,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same values.")] = 2026,
    geography: Annotated[
        Path | None,
        typer.Option(help="A sources.yaml whose real geography to simulate over."),
    ] = None,
    scale: Annotated[
        str,
        typer.Option(help="town: one synthetic town; england: 150 simulated places, 32,844 "
                          "small areas (about 17 million values: a few minutes, several GB)."),
    ] = "town",
) -> None:
    """Write an illustrative dataset (simulated values, marked as such)."""
    from marmot_dash.data.simulate import SCALES, simulate_dataset

    if scale not in SCALES:
        raise UserError(f"--scale must be one of {', '.join(SCALES)}, not {scale[:40]!r}.")
    if scale != "town" and geography is not None:
        raise UserError("--geography simulates over one real authority: use it with "
                        "--scale town (the default).")
    real_geography = None
    if geography is not None:
        from marmot_dash.ingest.build import load_geography

        real_geography = load_geography(geography)
    path = simulate_dataset(out, seed=seed, geography=real_geography, scale=scale)
    typer.echo(f"Wrote an illustrative dataset to {path} (simulated, not official statistics)")


@cli.command()
@user_errors
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Dataset folders or source files.")],
    kind: Annotated[
        str | None,
        typer.Option(help="Source kind (sources, fingertips, council, catalogue, boundaries, "
                          "deprivation, lookup, population, themes, census_long, census_wide, "
                          "dwp_statxplore, ons_hle, ons_els, fuel_poverty, life_expectancy, "
                          "dfe_ees, ons_health_index); guessed when omitted."),
    ] = None,
) -> None:
    """Check datasets (folders) or source files; print the first problem of each and exit 1.

    A dataset folder is checked row by row (whatever its dataset.yaml records) and, when it
    passes, its files' checksums are recorded in its dataset.yaml so that loading it skips the
    row checks (after a file was edited by hand, say).
    """
    from marmot_dash.data.dataset import validate_and_record

    failures = 0
    for path in paths:
        try:
            if path.is_dir():
                validate_and_record(path)
            else:
                from marmot_dash.ingest.validate import validate_source

                validate_source(path, kind)
        except USER_ERRORS as error:
            failures += 1
            # a dataset's errors name the file inside it: say which dataset
            inside = isinstance(error, DatasetError) and error.file != str(path)
            where = f"{path}/" if inside and path.is_dir() else ""
            typer.echo(f"error: {where}{error_line(error)}", err=True)
        else:
            typer.echo(f"ok: {path}")
    if failures:
        raise typer.Exit(1)


@cli.command()
@user_errors
def build(
    sources: Annotated[Path, typer.Argument(help="The sources.yaml describing the real data.")],
    out: Annotated[Path, typer.Option(help="Folder to write the dataset to.")] = DEFAULT_DATA_DIR,
    progress: Annotated[bool, typer.Option(help="Show progress on stderr.")] = True,
) -> None:
    """Build a dataset from real sources (atomically: a failed build changes nothing)."""
    from marmot_dash.ingest.build import build_dataset

    path = build_dataset(sources, out, progress=progress)
    typer.echo(f"Built the dataset in {path}")


@cli.command()
@user_errors
def fetch(
    area: Annotated[str, typer.Option(help="The authority's code, e.g. E06000032.")],
    out: Annotated[Path, typer.Option(help="Folder to download into.")],
    boundaries: Annotated[bool, typer.Option(help="Also download ward boundaries.")] = True,
    els: Annotated[list[str] | None, typer.Option(
        help="An ONS Explore Local Statistics dataset to download (repeat for several), "
             "e.g. employment-rate.")] = None,
    fingertips: Annotated[bool, typer.Option(help="Download Fingertips indicators.")] = True,
    nomis: Annotated[list[str] | None, typer.Option(
        help="A Census 2021 table to download from Nomis for the small areas of "
             "--small-areas (repeat for several), e.g. TS052 or NM_2070_1.")] = None,
    small_areas: Annotated[Path | None, typer.Option(
        help="A CSV with the authority's LSOA21CD (or MSOA21CD) codes, e.g. the build's "
             "LSOA-to-ward lookup: the areas of the --nomis tables.")] = None,
) -> None:
    """Download the catalogue's Fingertips indicators, ONS Explore Local Statistics datasets,
    Census 2021 tables from Nomis and ONS boundaries for an authority."""
    from marmot_dash.ingest.fetch import fetch as fetch_data
    from marmot_dash.ingest.fetch import fetch_els, fetch_nomis

    if nomis and small_areas is None:
        raise UserError("--nomis needs --small-areas: a CSV listing the LSOA21CD (or "
                        "MSOA21CD) codes to download")
    paths = fetch_data(area, out, boundaries=boundaries) if fingertips else []
    if els:
        paths.append(fetch_els(area, out, els))
    paths += [fetch_nomis(area, out, table, small_areas) for table in nomis or []]
    for path in paths:
        typer.echo(f"wrote {path}")


@cli.command("import-excerpts")
@user_errors
def import_excerpts(
    table: Annotated[Path, typer.Argument(help="Coded excerpts (CSV or XLSX), one per row.")],
    data: Annotated[Path, typer.Option(help="Dataset folder (or themes file) to update.")] = (
        DEFAULT_DATA_DIR
    ),
) -> None:
    """Add coded-excerpt counts and quotes to a dataset's themes (new themes are added)."""
    from marmot_dash.qualitative.excerpts import update_themes_file

    themes = update_themes_file(data, table)
    counted = sum("counts" in theme for theme in themes)
    typer.echo(f"Updated the themes of {data}: {len(themes)} themes, {counted} with counts")


@cli.command()
@user_errors
def export(
    principle: Annotated[int, typer.Option(help="The principle (1-8) whose charts to export.")],
    out: Annotated[Path, typer.Option(help="Folder for the PNGs and slide-notes.md.")],
    data: Annotated[Path, typer.Option(help="Dataset folder.")] = DEFAULT_DATA_DIR,
    view: Annotated[
        list[str] | None, typer.Option(help="Views to export (repeat); all chart views if none.")
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option(help="Indicator ids to export (repeat); all if none.")
    ] = None,
) -> None:
    """Export a principle's charts as 1920x1080 PNG slides with slide notes."""
    from marmot_dash.data import Store, load_dataset
    from marmot_dash.export.pack import PACK_VIEWS, write_pack

    store = Store(load_dataset(data)).place()  # the primary place of a multi-place dataset
    pack = write_pack(store, principle, out, views=view or PACK_VIEWS, indicators=indicator)
    typer.echo(f"Wrote {len(pack.slides)} slides and {pack.notes.name} to {pack.directory}")


@cli.command()
@user_errors
def deck(
    out: Annotated[Path, typer.Option(help="The .pptx file to write.")],
    principle: Annotated[int | None, typer.Option(help="The principle (1-8) to make a deck of.")]
    = None,
    run_sheet: Annotated[
        str | None, typer.Option(help="The run sheet (DATA/events/NAME.yaml) to make a deck of.")
    ] = None,
    data: Annotated[Path, typer.Option(help="Dataset folder.")] = DEFAULT_DATA_DIR,
) -> None:
    """Make a 16:9 PowerPoint deck of a principle's charts or of an event run sheet."""
    from marmot_dash.export.deck import deck_for, write_deck

    store, chosen = deck_for(data, principle=principle, run_sheet=run_sheet, out=out)
    path = write_deck(store, chosen, out)
    typer.echo(f"Wrote {len(chosen.steps)} steps of '{chosen.title}' to {path}")


@cli.command()
@user_errors
def report(
    out: Annotated[Path, typer.Option(help="The PDF file to write.")],
    principle: Annotated[int | None, typer.Option(help="The principle (1-8) to report on.")]
    = None,
    run_sheet: Annotated[
        str | None, typer.Option(help="The run sheet (DATA/events/NAME.yaml) to report on.")
    ] = None,
    data: Annotated[Path, typer.Option(help="Dataset folder.")] = DEFAULT_DATA_DIR,
) -> None:
    """Print the A4 briefing (charts, text, themes, methods) of a principle or of an event run
    sheet to a PDF."""
    from marmot_dash import create_app
    from marmot_dash.app_state import EXTENSION_KEY
    from marmot_dash.export.report import (
        check_output,
        principle_report,
        run_sheet_report,
        write_report,
    )

    if (principle is None) == (run_sheet is None):
        raise UserError("Give either --principle N or --run-sheet NAME.")
    check_output(out)
    app = create_app(data)
    chosen = (run_sheet_report(data, run_sheet) if run_sheet is not None
              else principle_report(app.server.extensions[EXTENSION_KEY].store, principle))
    path = write_report(app.server, chosen, out)
    typer.echo(f"Wrote {chosen.title} to {path}")


def main() -> None:
    """Entry point of the ``marmot-dash`` console script."""
    cli(prog_name="marmot-dash")


if __name__ == "__main__":
    sys.exit(main())
