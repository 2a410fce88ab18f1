app_name = "risklists"

urlpatterns = []
