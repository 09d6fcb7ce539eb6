from remedies.cli import main

main()
