"Helpers shared by the tests: the README's code blocks, as a user would copy them."
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_block(section:str, lang:str='bash')->str:
    "The first ```lang block after the README heading `section`."
    text = (ROOT/'README.md').read_text()
    return re.search(rf'```{lang}\n(.*?)```', text[text.index(section):], re.S).group(1)


def readme_commands(section:str)->list:
    "The shell commands of the first bash block after the README heading `section`, continuation lines joined."
    block = readme_block(section)
    return [c.strip() for c in block.replace('\\\n', ' ').splitlines() if c.strip() and not c.strip().startswith('#')]
