"""Rasa NLU components of the shop assistant (ShopEntityExtractor, CharNgramFeaturizer) and the
jieba user-dictionary generator. Import the component modules themselves: this package stays light
so that ``python -m bot.nlu.jieba_dictionary`` does not load Rasa."""
