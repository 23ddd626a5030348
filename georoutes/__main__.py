"""``python -m georoutes``: the same command line as the ``georoutes`` script."""

from georoutes.cli import main

if __name__ == "__main__":
    main()
