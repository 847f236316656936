from ktrules.cli import main

main()
