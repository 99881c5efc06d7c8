"""The Liège hub's screens: receiving, bagging, flights and the return desk."""
