# small_app is the reader's project that test_conftest_recipe.py copies elsewhere; its tests run only there.
collect_ignore = ["small_app"]
