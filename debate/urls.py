from django.contrib import admin
from django.urls import include, path

from debate.debates import views as debate_views
from debate.sources import views as source_views

urlpatterns = [
    path("", debate_views.home, name="home"),
    path("d/<slug:slug>/", debate_views.debate_detail, name="debate"),
    path("d/<slug:slug>/sources/<int:source_id>/", source_views.source_reader, name="source"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
