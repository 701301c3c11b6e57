# Copied into .venv/etc/jupyter/ by `make setup`: JupyterLab started from this venv runs nbdev_clean on every notebook it
# saves (settings.ini: jupyter_hooks = True), so opening and saving an unchanged notebook leaves git clean.
def nbdev_clean_jupyter(**kwargs):
    try: from nbdev.clean import clean_jupyter
    except ModuleNotFoundError: return
    clean_jupyter(**kwargs)

c.ContentsManager.pre_save_hook = nbdev_clean_jupyter
