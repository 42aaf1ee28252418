from django.urls import path

from alerts import views
from alerts.feeds import SubscriptionFeed

app_name = "alerts"

urlpatterns = [
    path("min-side/", views.my_page, name="my_page"),
    path("min-side/<int:pk>/rediger/", views.edit, name="edit"),
    path("min-side/<int:pk>/pause/", views.toggle_pause, name="toggle_pause"),
    path("min-side/<int:pk>/slet/", views.delete, name="delete"),
    path("abonnement/gem-soegning/", views.save_search, name="save_search"),
    path("abonnement/foelg/", views.follow, name="follow"),
    path("abonnement/bekraeft/<str:token>/", views.confirm_view, name="confirm"),
    path("abonnement/afmeld/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("abonnement/feed/<str:token>/", SubscriptionFeed(), name="feed"),
]
