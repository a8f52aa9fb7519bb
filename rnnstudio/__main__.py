import sys

from rnnstudio.cli import main

sys.exit(main())
