"""Launch nnsim: `python main.py [FILE]` (see `python main.py --help`)."""
from nnsim.app import main

if __name__ == "__main__":
    main()
