from mailflow.cli import main

main()
