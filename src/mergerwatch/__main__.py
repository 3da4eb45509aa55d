from mergerwatch.cli import main

main()
