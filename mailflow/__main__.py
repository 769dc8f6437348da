"""`python -m mailflow`. The guard matters: worker processes import the main module again."""

from mailflow.cli import main

if __name__ == "__main__":
    main()
