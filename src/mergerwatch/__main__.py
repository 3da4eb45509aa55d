from mergerwatch.cli import run

run()
