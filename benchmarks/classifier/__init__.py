"""The post-class model for real customer-care posts.

docs/statistics.md, "Which kind of post gets ignored", defines the classes and gives the
figures.

`CareModel` (model.py) is the default `Classifier` of benchmarks.classify: a logistic
regression on word and character n-grams and care cues (cues.py), trained by train.py on
the labelled real TWCS posts in data/ and shipped as data/model.json.
"""
