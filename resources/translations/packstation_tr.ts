<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="tr_TR" sourcelanguage="en_GB">
<context>
    <name>ActionPanel</name>
    <message>
        <source>Nobody is logged in.</source>
        <translation>Oturum açmış kimse yok.</translation>
    </message>
</context>
<context>
    <name>AdjustDialog</name>
    <message>
        <source>Adjust stock in {0}</source>
        <translation>{0} rafında stok düzeltme</translation>
    </message>
    <message>
        <source>or another product: its stock code or barcode</source>
        <translation>ya da başka bir ürün: stok kodu veya barkodu</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Units (+ in, − out)</source>
        <translation>Adet (+ giriş, − çıkış)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Neden</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Not</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Supervisor approval</source>
        <translation>Süpervizör onayı</translation>
    </message>
    <message>
        <source>Supervisor: scan your badge</source>
        <translation>Süpervizör: kartınızı okutun</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Approve: {0}</source>
        <translation>Onaylanacak işlem: {0}</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>Kart</translation>
    </message>
</context>
<context>
    <name>BadgeOrItem</name>
    <message>
        <source>This code could not be checked: scan it again, or a product barcode.</source>
        <translation>Bu kod denetlenemedi: yeniden okutun ya da bir ürün barkodu okutun.</translation>
    </message>
    <message>
        <source>Not an item of this parcel. While the database is unreachable a badge cannot be checked: scan the product&apos;s barcode.</source>
        <translation>Bu paketin ürünü değil. Veritabanına ulaşılamazken kart denetlenemez: ürünün barkodunu okutun.</translation>
    </message>
    <message>
        <source>Too many unrecognised codes at this station: scan the product&apos;s barcode, or scan your badge again in a minute.</source>
        <translation>Bu istasyonda çok fazla tanınmayan kod okutuldu: ürünün barkodunu okutun ya da kartınızı bir dakika sonra yeniden okutun.</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <source>Starting the camera…</source>
        <extracomment>Longest side of a stored photo in pixels: sharp enough to read a label or see a scuff, and small enough (200 to 600 KB as JPEG) that a return with ten photos uploads in seconds. Picture files a folder source shows, by extension (anything else in the folder is ignored). A new still to show (folder sources; a webcam draws into its own video widget). The photo, as JPEG bytes. No photo: the device is missing or broke, or the photo could not be made. A picture file was passed over (not a picture, unreadable); the next one is shown. Something the packer should know that did not stop the photo (a picture file skipped).</extracomment>
        <translation>Kamera açılıyor…</translation>
    </message>
    <message>
        <source>Taking the photo…</source>
        <translation>Fotoğraf çekiliyor…</translation>
    </message>
</context>
<context>
    <name>CountView</name>
    <message>
        <source>Count mode</source>
        <extracomment>``feedback(sound, message, ok)``: the window plays the sound and shows the message.</extracomment>
        <translation>Sayım modu</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Sayılan</translation>
    </message>
    <message>
        <source>Undo last scan</source>
        <translation>Son okutmayı geri al</translation>
    </message>
    <message>
        <source>Type a count…</source>
        <translation>Sayıyı elle gir…</translation>
    </message>
    <message>
        <source>Confirm count</source>
        <translation>Sayımı onayla</translation>
    </message>
    <message>
        <source>Drop this count</source>
        <translation>Bu sayımı bırak</translation>
    </message>
    <message>
        <source>One moment: the last step is still running.</source>
        <translation>Bir dakika: son adım hâlâ sürüyor.</translation>
    </message>
    <message>
        <source>Counting {0}: scan every item in it.</source>
        <translation>{0} sayılıyor: içindeki her ürünü okutun.</translation>
    </message>
    <message>
        <source>Choose a product in the list first.</source>
        <translation>Önce listeden bir ürün seçin.</translation>
    </message>
    <message>
        <source>Type a count</source>
        <translation>Sayıyı elle gir</translation>
    </message>
    <message>
        <source>Units counted</source>
        <translation>Sayılan adet</translation>
    </message>
    <message>
        <source>{0} counted: {1} difference(s) adjusted. Scan the next bin.</source>
        <translation>{0} sayıldı: {1} fark düzeltildi. Sıradaki rafı okutun.</translation>
    </message>
    <message>
        <source>Count dropped: nothing was saved.</source>
        <translation>Sayım bırakıldı: hiçbir şey kaydedilmedi.</translation>
    </message>
    <message>
        <source>Scan the label of the bin to count.</source>
        <translation>Sayılacak rafın etiketini okutun.</translation>
    </message>
    <message>
        <source>Counting {0}. Scan every item; COMPLETE confirms, ABORT drops the count.</source>
        <translation>{0} sayılıyor. Her ürünü okutun; TAMAMLA onaylar, BIRAK sayımı bırakır.</translation>
    </message>
</context>
<context>
    <name>CrashHook</name>
    <message>
        <source>Unexpected error</source>
        <translation>Beklenmeyen hata</translation>
    </message>
</context>
<context>
    <name>DashboardFilters</name>
    <message>
        <source>All clients</source>
        <extracomment>A filter changed, or Refresh was pressed: read the figures again. Export… was pressed, with the kind of file (&quot;pdf&quot; or &quot;xlsx&quot;).</extracomment>
        <translation>Tüm müşteri firmalar</translation>
    </message>
    <message>
        <source>All marketplaces</source>
        <translation>Tüm pazaryerleri</translation>
    </message>
    <message>
        <source>All stations</source>
        <translation>Tüm istasyonlar</translation>
    </message>
    <message>
        <source>All packers</source>
        <translation>Tüm paketleyiciler</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Yenile</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>PDF olarak dışa aktar…</translation>
    </message>
    <message>
        <source>Export XLSX…</source>
        <translation>XLSX olarak dışa aktar…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Başlangıç</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bitiş</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Parcels</source>
        <extracomment>Emitted after each snapshot is shown (tests and the status bar listen). Emitted with a message when a read or an action failed.</extracomment>
        <translation>Paket</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Parcels per hour</source>
        <translation>Saatlik paket</translation>
    </message>
    <message>
        <source>Median time per parcel</source>
        <translation>Paket başına medyan süre</translation>
    </message>
    <message>
        <source>Errors per 100 items</source>
        <translation>100 üründe hata</translation>
    </message>
    <message>
        <source>Stations online</source>
        <translation>Çevrim içi istasyon</translation>
    </message>
    <message>
        <source>Open exceptions</source>
        <translation>Açık istisnalar</translation>
    </message>
    <message>
        <source>Parcels/h</source>
        <translation>Paket/sa</translation>
    </message>
    <message>
        <source>Median s</source>
        <translation>Medyan sn</translation>
    </message>
    <message>
        <source>Wrong</source>
        <translation>Yanlış</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Bilinmeyen</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>Fazla</translation>
    </message>
    <message>
        <source>Errors/100</source>
        <translation>Hata/100</translation>
    </message>
    <message>
        <source>Packer</source>
        <translation>Paketleyici</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>İstasyon</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Çevrim içi</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Son sinyal</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Bekleyen</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>En eski</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Hesap</translation>
    </message>
    <message>
        <source>Marketplace</source>
        <translation>Pazaryeri</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Müşteri firma</translation>
    </message>
    <message>
        <source>Last success</source>
        <translation>Son başarılı</translation>
    </message>
    <message>
        <source>Waiting calls</source>
        <translation>Bekleyen çağrılar</translation>
    </message>
    <message>
        <source>Failed calls</source>
        <translation>Başarısız çağrılar</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Son hata</translation>
    </message>
    <message>
        <source>Packers</source>
        <translation>Paketleyiciler</translation>
    </message>
    <message>
        <source>Stations</source>
        <translation>İstasyonlar</translation>
    </message>
    <message>
        <source>Station health</source>
        <translation>İstasyon durumu</translation>
    </message>
    <message>
        <source>Marketplace sync</source>
        <translation>Pazaryeri senkronizasyonu</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>İstisnalar</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Dışa aktar</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Dışa aktarılıyor…</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Kaydedildi: {0}</translation>
    </message>
    <message>
        <source>Not updated: {0}</source>
        <translation>Güncellenemedi: {0}</translation>
    </message>
    <message>
        <source>Parcels per day</source>
        <translation>Günlük paket</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>evet</translation>
    </message>
    <message>
        <source>NO</source>
        <translation>HAYIR</translation>
    </message>
    <message>
        <source>Updated {0}</source>
        <translation>Güncellendi: {0}</translation>
    </message>
</context>
<context>
    <name>DatabasePage</name>
    <message>
        <source>Database</source>
        <extracomment>``test(shared)``: connect with the entered login; a message, or an exception that says why not.</extracomment>
        <translation>Veritabanı</translation>
    </message>
    <message>
        <source>This station alone: an embedded database on this computer</source>
        <translation>Yalnızca bu istasyon: bu bilgisayarda gömülü veritabanı</translation>
    </message>
    <message>
        <source>A shared server: several stations of the warehouse use one database</source>
        <translation>Ortak sunucu: depodaki birden çok istasyon tek veritabanını kullanır</translation>
    </message>
    <message>
        <source>e.g. 10.0.0.5 or db.warehouse.local</source>
        <translation>ör. 10.0.0.5 veya db.depo.local</translation>
    </message>
    <message>
        <source>this station&apos;s login, e.g. station_2</source>
        <translation>bu istasyonun kullanıcısı, ör. istasyon_2</translation>
    </message>
    <message>
        <source>The password is kept in this computer&apos;s keyring. Where there is no secure keyring, set the environment variable {0} instead.</source>
        <translation>Parola bu bilgisayarın anahtarlığında saklanır. Güvenli bir anahtarlık yoksa bunun yerine {0} ortam değişkenini ayarlayın.</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Bağlantıyı dene</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Sunucu adresi</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Veritabanı adı</translation>
    </message>
    <message>
        <source>Station user name</source>
        <translation>İstasyon kullanıcı adı</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Parola</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Bağlanıyor…</translation>
    </message>
</context>
<context>
    <name>DifferencesDialog</name>
    <message>
        <source>Confirm the count</source>
        <translation>Sayımı onaylayın</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Books</source>
        <translation>Kayıtlı</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Sayılan</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Fark</translation>
    </message>
    <message>
        <source>No differences: the books are right.</source>
        <translation>Fark yok: kayıtlar doğru.</translation>
    </message>
    <message>
        <source>Each difference is saved as a count adjustment, under your name.</source>
        <translation>Her fark, sizin adınıza bir sayım düzeltmesi olarak kaydedilir.</translation>
    </message>
</context>
<context>
    <name>EditLocationDialog</name>
    <message>
        <source>Change {0}</source>
        <translation>{0} değiştir</translation>
    </message>
    <message>
        <source>Sellable (clear for a quarantine area)</source>
        <translation>Satılabilir (karantina alanı için işareti kaldırın)</translation>
    </message>
    <message>
        <source>In use (clear to retire an empty location)</source>
        <translation>Kullanımda (boş bir konumu kaldırmak için işareti kaldırın)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Barkod</translation>
    </message>
</context>
<context>
    <name>ExceptionQueuePanel</name>
    <message>
        <source>Since</source>
        <extracomment>An exception was assigned or resolved: the figures are out of date. An action failed; the exception says why. Show the photos of the selected exception&apos;s parcel (its package id).</extracomment>
        <translation>Başlangıç</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tür</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paket</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>İstasyon</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Atanan kişi</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Ne oldu</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>Ata…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Çöz…</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Fotoğraflar</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Çakışma</translation>
    </message>
    <message>
        <source>Cancelled after packing</source>
        <translation>Paketlendikten sonra iptal</translation>
    </message>
    <message>
        <source>Unsupplied</source>
        <translation>Tedarik edilemedi</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>Yanlış ürün</translation>
    </message>
    <message>
        <source>Printer failure</source>
        <translation>Yazıcı arızası</translation>
    </message>
    <message>
        <source>Sync error</source>
        <translation>Senkronizasyon hatası</translation>
    </message>
    <message>
        <source>Resolve exception</source>
        <translation>İstisnayı çöz</translation>
    </message>
    <message>
        <source>What was done about it?</source>
        <translation>Bununla ilgili ne yapıldı?</translation>
    </message>
    <message>
        <source>Assign exception</source>
        <translation>İstisnayı ata</translation>
    </message>
    <message>
        <source>Assign to</source>
        <translation>Atanacak kişi</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>PackStation: first start</source>
        <translation>PackStation: ilk başlatma</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <source>ready to pack</source>
        <translation>paketlenmeye hazır</translation>
    </message>
    <message>
        <source>packed today</source>
        <translation>bugün paketlendi</translation>
    </message>
    <message>
        <source>packages in total</source>
        <translation>toplam paket</translation>
    </message>
    <message>
        <source>Waiting to be packed (oldest first)</source>
        <translation>Paketlenmeyi bekleyenler (en eskisi önce)</translation>
    </message>
    <message>
        <source>the database is unreachable</source>
        <translation>veritabanına ulaşılamıyor</translation>
    </message>
    <message>
        <source>see the log</source>
        <translation>log kayıtlarına bakın</translation>
    </message>
    <message>
        <source>Waiting to be packed (not refreshed: {reason})</source>
        <translation>Paketlenmeyi bekleyenler (yenilenmedi: {reason})</translation>
    </message>
</context>
<context>
    <name>LocationDialog</name>
    <message>
        <source>New {0}</source>
        <translation>Yeni {0}</translation>
    </message>
    <message>
        <source>e.g. A-01-3</source>
        <translation>ör. A-01-3</translation>
    </message>
    <message>
        <source>empty: the station makes one (PSLOC…)</source>
        <translation>boş bırakılırsa istasyon üretir (PSLOC…)</translation>
    </message>
    <message>
        <source>Sellable (clear for a quarantine area)</source>
        <translation>Satılabilir (karantina alanı için işareti kaldırın)</translation>
    </message>
    <message>
        <source>Inside</source>
        <translation>İçinde</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kod</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Barkod</translation>
    </message>
</context>
<context>
    <name>LocationsPanel</name>
    <message>
        <source>Location</source>
        <translation>Konum</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Barkod</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Adet</translation>
    </message>
    <message>
        <source>New warehouse…</source>
        <translation>Yeni depo…</translation>
    </message>
    <message>
        <source>New zone…</source>
        <translation>Yeni bölge…</translation>
    </message>
    <message>
        <source>New bin…</source>
        <translation>Yeni raf…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Değiştir…</translation>
    </message>
    <message>
        <source>Choose a bin to see what it holds.</source>
        <translation>İçinde ne olduğunu görmek için bir raf seçin.</translation>
    </message>
    <message>
        <source>Stock code</source>
        <translation>Stok kodu</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>Varyant</translation>
    </message>
    <message>
        <source>Adjust…</source>
        <translation>Düzelt…</translation>
    </message>
    <message>
        <source>Move to another bin…</source>
        <translation>Başka rafa taşı…</translation>
    </message>
    <message>
        <source>sellable</source>
        <translation>satılabilir</translation>
    </message>
    <message>
        <source>quarantine: not sellable</source>
        <translation>karantina: satılamaz</translation>
    </message>
    <message>
        <source>Choose the {0} the new {1} goes in.</source>
        <translation>Yeni {1} için içine gireceği {0} seçin.</translation>
    </message>
    <message>
        <source>{0} added (barcode {1}).</source>
        <translation>{0} eklendi (barkod {1}).</translation>
    </message>
    <message>
        <source>Choose a location first.</source>
        <translation>Önce bir konum seçin.</translation>
    </message>
    <message>
        <source>{0} changed.</source>
        <translation>{0} değiştirildi.</translation>
    </message>
    <message>
        <source>Choose a bin first.</source>
        <translation>Önce bir raf seçin.</translation>
    </message>
    <message>
        <source>No single product matches “{0}”.</source>
        <translation>“{0}” ile eşleşen tek bir ürün yok.</translation>
    </message>
    <message>
        <source>Done: {0} → {1} in the bin.</source>
        <translation>Tamam: rafta {0} → {1}.</translation>
    </message>
    <message>
        <source>Moved {0} of {1}.</source>
        <translation>{1} ürününden {0} adet taşındı.</translation>
    </message>
</context>
<context>
    <name>LoginFlow</name>
    <message>
        <source>Scan your badge to log in.</source>
        <extracomment>Milliseconds between checks of the idle log-out.</extracomment>
        <translation>Giriş yapmak için kartınızı okutun.</translation>
    </message>
    <message>
        <source>Demo badges: {0}</source>
        <translation>Demo kartları: {0}</translation>
    </message>
    <message>
        <source>Supervisor approval: badge {0}, PIN {1} ({2}).</source>
        <translation>Süpervizör onayı: kart {0}, PIN {1} ({2}).</translation>
    </message>
    <message>
        <source>Ready. Scan a parcel to begin.</source>
        <translation>Hazır. Başlamak için bir paket okutun.</translation>
    </message>
    <message>
        <source>Logged out after a period of inactivity. Scan your badge.</source>
        <translation>Bir süre işlem yapılmadığı için oturum kapatıldı. Kartınızı okutun.</translation>
    </message>
    <message>
        <source>{0} is now logged in at this station (badge scanned); {1} was logged out.</source>
        <translation>Bu istasyonda artık {0} oturum açtı (kart okutuldu); {1} oturumu kapatıldı.</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <source>Log-in is not possible right now: {0}</source>
        <translation>Şu anda giriş yapılamıyor: {0}</translation>
    </message>
    <message>
        <source>Scan your badge</source>
        <translation>Kartınızı okutun</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Packers: scan your badge</source>
        <translation>Paketleyiciler: kartınızı okutun</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Parola</translation>
    </message>
    <message>
        <source>6-digit code (supervisors and admins)</source>
        <translation>6 haneli kod (süpervizörler ve yöneticiler)</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Giriş yap</translation>
    </message>
    <message>
        <source>User name and password</source>
        <translation>Kullanıcı adı ve parola</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Kullanıcı adı</translation>
    </message>
    <message>
        <source>Authenticator code</source>
        <translation>Doğrulama kodu</translation>
    </message>
    <message>
        <source>Scan your badge to start</source>
        <translation>Başlamak için kartınızı okutun</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Enter user name and password</source>
        <translation>Kullanıcı adı ve parolayı girin</translation>
    </message>
    <message>
        <source>Welcome, {0}</source>
        <translation>Hoş geldiniz, {0}</translation>
    </message>
</context>
<context>
    <name>LowStockPanel</name>
    <message>
        <source>Products low on stock</source>
        <extracomment>Emitted after each read with the products shown.</extracomment>
        <translation>Stoğu azalan ürünler</translation>
    </message>
    <message>
        <source>Available = on hand − reserved for parcels not packed yet. Cover: days the stock lasts at the</source>
        <translation>Satılabilir = eldeki − henüz paketlenmemiş koliler için ayrılan. Yeterlilik: stoğun, son</translation>
    </message>
    <message>
        <source>average daily outflow of the last 14 days.</source>
        <translation>14 günün ortalama günlük çıkışıyla kaç gün yeteceği.</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Stock code</source>
        <translation>Stok kodu</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Müşteri firma</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Satılabilir</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Eşik</translation>
    </message>
    <message>
        <source>Out per day</source>
        <translation>Günlük çıkış</translation>
    </message>
    <message>
        <source>Days of cover</source>
        <translation>Yeterlilik (gün)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>PackStation — {0}</source>
        <translation>PackStation — {0}</translation>
    </message>
    <message>
        <source>PackStation</source>
        <translation>PackStation</translation>
    </message>
    <message>
        <source>Demo: embedded database, no marketplace account or printer needed</source>
        <translation>Demo: gömülü veritabanı; pazaryeri hesabı ya da yazıcı gerekmez</translation>
    </message>
    <message>
        <source>Scan or type a tracking number, package id or order number</source>
        <translation>Kargo takip numarası, paket numarası ya da sipariş numarası okutun veya yazın</translation>
    </message>
    <message>
        <source>Starting the database…</source>
        <translation>Veritabanı başlatılıyor…</translation>
    </message>
    <message>
        <source>Station: {0}</source>
        <translation>İstasyon: {0}</translation>
    </message>
    <message>
        <source>Ready. Scan a parcel to begin.</source>
        <translation>Hazır. Başlamak için bir paket okutun.</translation>
    </message>
    <message>
        <source>Return left unfinished: nothing was recorded.</source>
        <translation>İade yarım bırakıldı: hiçbir şey kaydedilmedi.</translation>
    </message>
    <message>
        <source>The database could not be opened: {0}</source>
        <translation>Veritabanı açılamadı: {0}</translation>
    </message>
    <message>
        <source>Still starting: scan again in a moment.</source>
        <translation>Hâlâ başlatılıyor: birazdan yeniden okutun.</translation>
    </message>
    <message>
        <source>Parcel complete. Scan the next parcel.</source>
        <translation>Paket tamamlandı. Sonraki paketi okutun.</translation>
    </message>
    <message>
        <source>Recorded. Scan the remaining items.</source>
        <translation>Kaydedildi. Kalan ürünleri okutun.</translation>
    </message>
    <message>
        <source>ORDER CANCELLED: do not ship this parcel. Put the items back.</source>
        <translation>SİPARİŞ İPTAL EDİLDİ: bu paketi kargoya vermeyin. Ürünleri yerine koyun.</translation>
    </message>
    <message>
        <source>Parcel put back. Scan the next parcel.</source>
        <translation>Paket geri bırakıldı. Sonraki paketi okutun.</translation>
    </message>
</context>
<context>
    <name>MarketplacePage</name>
    <message>
        <source>Marketplace account</source>
        <translation>Pazaryeri hesabı</translation>
    </message>
    <message>
        <source>Optional: leave the name empty to add accounts later in the configuration file.</source>
        <translation>İsteğe bağlı: hesapları daha sonra yapılandırma dosyasına eklemek için adı boş bırakın.</translation>
    </message>
    <message>
        <source>e.g. gullu-trendyol</source>
        <translation>ör. gullu-trendyol</translation>
    </message>
    <message>
        <source>the company whose parcels these are</source>
        <translation>bu paketlerin sahibi olan firma</translation>
    </message>
    <message>
        <source>Account name</source>
        <translation>Hesap adı</translation>
    </message>
    <message>
        <source>Marketplace</source>
        <translation>Pazaryeri</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>API adresi</translation>
    </message>
    <message>
        <source>Seller id</source>
        <translation>Satıcı numarası</translation>
    </message>
    <message>
        <source>Client company</source>
        <translation>Müşteri firma</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Bağlantıyı dene</translation>
    </message>
    <message>
        <source>Enter the account first</source>
        <translation>Önce hesabı girin</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Bağlanılıyor…</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>New user</source>
        <translation>Yeni kullanıcı</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Kullanıcı adı</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Ad soyad</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Parola</translation>
    </message>
</context>
<context>
    <name>PackCommands</name>
    <message>
        <source>No open parcel with missing items.</source>
        <extracomment>Seconds a reprint of a parcel in several boxes waits for a box number before it reprints every box. Takes a photo with the station&apos;s camera (PHOTO); None at a station without a camera.</extracomment>
        <translation>Eksik ürünlü açık paket yok.</translation>
    </message>
    <message>
        <source>{0} unit(s) cannot be supplied</source>
        <translation>{0} adet tedarik edilemiyor</translation>
    </message>
    <message>
        <source>seal this parcel without its photo</source>
        <translation>bu paketi fotoğrafı olmadan kapatma</translation>
    </message>
    <message>
        <source>complete this parcel without verifying every item</source>
        <translation>bu paketi her ürünü doğrulamadan tamamlama</translation>
    </message>
    <message>
        <source>Reprinting all {0} boxes. To reprint one box only, scan its number (1–{0}) now.</source>
        <translation>{0} kolinin hepsinin etiketi yeniden basılıyor. Yalnızca bir koliyi basmak için şimdi numarasını (1–{0}) okutun.</translation>
    </message>
    <message>
        <source>Nothing to reprint: complete a parcel first.</source>
        <translation>Yeniden basılacak etiket yok: önce bir paketi tamamlayın.</translation>
    </message>
    <message>
        <source>reprint this label again</source>
        <translation>bu etiketi tekrar yeniden basma</translation>
    </message>
    <message>
        <source>Reprinting the label of {0}.</source>
        <translation>{0} paketinin etiketi yeniden basılıyor.</translation>
    </message>
    <message>
        <source>Reprinting box {1}/{2} of {0}.</source>
        <translation>{0} paketinin {1}/{2} kolisinin etiketi yeniden basılıyor.</translation>
    </message>
    <message>
        <source>Open a parcel first: a new box starts while packing one.</source>
        <translation>Önce bir paket açın: yeni koli bir paket paketlenirken başlar.</translation>
    </message>
    <message>
        <source>This station has no camera ([camera] uri).</source>
        <translation>Bu istasyonda kamera yok ([camera] uri).</translation>
    </message>
    <message>
        <source>This command needs a supervisor at this station.</source>
        <translation>Bu komut için bu istasyonda bir süpervizör gerekir.</translation>
    </message>
    <message>
        <source>Preview unavailable: {0}</source>
        <translation>Önizleme yok: {0}</translation>
    </message>
    <message>
        <source>Label queued.</source>
        <translation>Etiket sıraya alındı.</translation>
    </message>
    <message>
        <source>Label printing…</source>
        <translation>Etiket basılıyor…</translation>
    </message>
    <message>
        <source>Label printed.</source>
        <translation>Etiket basıldı.</translation>
    </message>
    <message>
        <source>Printer problem, retrying: {0}</source>
        <translation>Yazıcı sorunu, yeniden deneniyor: {0}</translation>
    </message>
    <message>
        <source>LABEL NOT PRINTED: {0}. Scan REPRINT when the printer is ready.</source>
        <translation>ETİKET BASILMADI: {0}. Yazıcı hazır olunca YENİDEN BAS barkodunu okutun.</translation>
    </message>
    <message>
        <source>Label printed, but it may have come out twice: stick one and throw the other away.</source>
        <translation>Etiket basıldı, ancak iki kez çıkmış olabilir: birini yapıştırın, diğerini atın.</translation>
    </message>
    <message>
        <source>Complete! The label is printed.</source>
        <translation>Tamamlandı! Etiket basıldı.</translation>
    </message>
    <message>
        <source>LABEL NOT PRINTED: {0}. Scan REPRINT to try again.</source>
        <translation>ETİKET BASILMADI: {0}. Yeniden denemek için YENİDEN BAS barkodunu okutun.</translation>
    </message>
    <message>
        <source>Label not printed: {0}</source>
        <translation>Etiket basılmadı: {0}</translation>
    </message>
    <message>
        <source>Package {0} was split by the marketplace: wait for the new label before shipping.</source>
        <translation>{0} numaralı paket pazaryeri tarafından bölündü: göndermeden önce yeni etiketi bekleyin.</translation>
    </message>
    <message>
        <source>New package {0} replaces {1}: put the NEW label on the parcel and discard the old one.</source>
        <translation>{1} yerine yeni paket {0}: pakete YENİ etiketi yapıştırın, eskisini atın.</translation>
    </message>
    <message>
        <source>Another printer</source>
        <translation>Başka yazıcı</translation>
    </message>
    <message>
        <source>Printer address (e.g. tcp://10.0.0.32:9100):</source>
        <translation>Yazıcı adresi (ör. tcp://10.0.0.32:9100):</translation>
    </message>
    <message>
        <source>The label goes to {0}.</source>
        <translation>Etiket {0} adresine gönderiliyor.</translation>
    </message>
    <message>
        <source>send the label to another printer</source>
        <translation>etiketi başka bir yazıcıya gönderme</translation>
    </message>
</context>
<context>
    <name>PackPhotos</name>
    <message>
        <source>Open a parcel first: a photo belongs to a parcel.</source>
        <translation>Önce bir paket açın: fotoğraf bir pakete aittir.</translation>
    </message>
    <message>
        <source>All items verified. Photograph the open parcel before sealing it: press F1 or scan “Take a photo”.</source>
        <translation>Tüm ürünler doğrulandı. Paketi kapatmadan önce açık paketin fotoğrafını çekin: F1’e basın ya da “Fotoğraf çek” barkodunu okutun.</translation>
    </message>
    <message>
        <source>The database is unreachable: the photo is kept on this station and stored later.</source>
        <translation>Veritabanına ulaşılamıyor: fotoğraf bu istasyonda saklanıyor, sonra kaydedilecek.</translation>
    </message>
    <message>
        <source>Photo saved. Sealing the parcel…</source>
        <translation>Fotoğraf kaydedildi. Paket kapatılıyor…</translation>
    </message>
    <message>
        <source>Photo saved for parcel {0}.</source>
        <translation>{0} paketi için fotoğraf kaydedildi.</translation>
    </message>
    <message>
        <source>Photo saved with the return.</source>
        <translation>Fotoğraf iadeyle birlikte kaydedildi.</translation>
    </message>
    <message>
        <source>Photo not saved: {0}. Take it again.</source>
        <translation>Fotoğraf kaydedilmedi: {0}. Yeniden çekin.</translation>
    </message>
    <message>
        <source>No photo: {0}</source>
        <translation>Fotoğraf yok: {0}</translation>
    </message>
</context>
<context>
    <name>PackView</name>
    <message>
        <source>Product</source>
        <extracomment>Units of each line in each box (box number -&gt; line id -&gt; units), from the accepted scans. Every item is verified and the parcel waits for its photo before it is sealed.</extracomment>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Renk</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Beden</translation>
    </message>
    <message>
        <source>Bin</source>
        <translation>Raf</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Barkod</translation>
    </message>
    <message>
        <source>Scanned</source>
        <translation>Okutulan</translation>
    </message>
    <message>
        <source>Boxes</source>
        <translation>Koliler</translation>
    </message>
    <message>
        <source>The label appears here when the parcel is complete.</source>
        <translation>Paket tamamlanınca etiket burada görünür.</translation>
    </message>
    <message>
        <source>Retry printing</source>
        <translation>Yeniden yazdır</translation>
    </message>
    <message>
        <source>Send to another printer…</source>
        <translation>Başka yazıcıya gönder…</translation>
    </message>
    <message>
        <source>ORDER CANCELLED
DO NOT SHIP

Put the items back and scan the abort command.</source>
        <translation>SİPARİŞ İPTAL EDİLDİ
KARGOYA VERMEYİN

Ürünleri yerine koyun ve iptal komutunu okutun.</translation>
    </message>
    <message>
        <source>Order {0} · Package {1}</source>
        <translation>Sipariş {0} · Paket {1}</translation>
    </message>
    <message>
        <source>Box {0}</source>
        <translation>Koli {0}</translation>
    </message>
    <message>
        <source>Box {0} · {1} ({2}, {3} desi)</source>
        <translation>Koli {0} · {1} ({2}, {3} desi)</translation>
    </message>
    <message>
        <source>Complete! Making the label…</source>
        <translation>Tamamlandı! Etiket hazırlanıyor…</translation>
    </message>
</context>
<context>
    <name>PackageStatus</name>
    <message>
        <source>New</source>
        <translation>Yeni</translation>
    </message>
    <message>
        <source>Awaiting</source>
        <translation>Bekliyor</translation>
    </message>
    <message>
        <source>Being packed</source>
        <translation>Paketleniyor</translation>
    </message>
    <message>
        <source>Invoiced</source>
        <translation>Faturalandı</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>Kargoda</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Teslim edildi</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>İptal edildi</translation>
    </message>
    <message>
        <source>Unsupplied</source>
        <translation>Tedarik edilemedi</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>İade edildi</translation>
    </message>
</context>
<context>
    <name>PackageTableModel</name>
    <message>
        <source>Tracking number</source>
        <translation>Kargo takip numarası</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Sipariş</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paket</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Alıcı</translation>
    </message>
    <message>
        <source>City / district</source>
        <translation>İl / ilçe</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Carrier</source>
        <translation>Kargo firması</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Durum</translation>
    </message>
</context>
<context>
    <name>ParkedPanel</name>
    <message>
        <source>Station</source>
        <translation>İstasyon</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>İşlem</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paket</translation>
    </message>
    <message>
        <source>Happened</source>
        <translation>Zaman</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Karar</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Hata</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Yeniden dene</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>Vazgeç…</translation>
    </message>
    <message>
        <source>retry asked</source>
        <translation>yeniden deneme istendi</translation>
    </message>
    <message>
        <source>discard asked</source>
        <translation>vazgeçme istendi</translation>
    </message>
    <message>
        <source>{0} operation(s) stuck</source>
        <translation>{0} işlem takıldı</translation>
    </message>
    <message>
        <source>Log in to decide about a stuck operation.</source>
        <translation>Takılan bir işlem hakkında karar vermek için giriş yapın.</translation>
    </message>
    <message>
        <source>Discard operation</source>
        <translation>İşlemden vazgeç</translation>
    </message>
    <message>
        <source>The operation will never reach the database. Discard it?</source>
        <translation>İşlem veritabanına hiç ulaşmayacak. Vazgeçilsin mi?</translation>
    </message>
</context>
<context>
    <name>PhotosPanel</name>
    <message>
        <source>Package id, tracking number or order number</source>
        <translation>Paket numarası, kargo takip numarası ya da sipariş numarası</translation>
    </message>
    <message>
        <source>Show photos</source>
        <translation>Fotoğrafları göster</translation>
    </message>
    <message>
        <source>Loading the photos of {0}…</source>
        <translation>{0} fotoğrafları yükleniyor…</translation>
    </message>
    <message>
        <source>Photos not loaded: {0}</source>
        <translation>Fotoğraflar yüklenemedi: {0}</translation>
    </message>
    <message>
        <source>{0}: {1} photo(s).</source>
        <translation>{0}: {1} fotoğraf.</translation>
    </message>
    <message>
        <source>{0}: no photos.</source>
        <translation>{0}: fotoğraf yok.</translation>
    </message>
</context>
<context>
    <name>PrinterPage</name>
    <message>
        <source>Label printer</source>
        <translation>Etiket yazıcısı</translation>
    </message>
    <message>
        <source>A Zebra-compatible printer: tcp://10.0.0.31:9100, serial:///dev/ttyUSB0, cups://QUEUE; or an office printer installed on this computer (PDF labels): qt://PRINTER NAME.</source>
        <translation>Zebra uyumlu bir yazıcı: tcp://10.0.0.31:9100, serial:///dev/ttyUSB0, cups://KUYRUK; ya da bu bilgisayarda kurulu bir ofis yazıcısı (PDF etiketler): qt://YAZICI ADI.</translation>
    </message>
    <message>
        <source>empty: labels only go to the spool folder</source>
        <translation>boş: etiketler yalnızca yazdırma klasörüne gider</translation>
    </message>
    <message>
        <source>Choose an office printer…</source>
        <translation>Bir ofis yazıcısı seçin…</translation>
    </message>
    <message>
        <source>No office printer is installed on this computer</source>
        <translation>Bu bilgisayarda kurulu ofis yazıcısı yok</translation>
    </message>
    <message>
        <source>Print a test label</source>
        <translation>Test etiketi bas</translation>
    </message>
    <message>
        <source>Printer address</source>
        <translation>Yazıcı adresi</translation>
    </message>
    <message>
        <source>Office printer</source>
        <translation>Ofis yazıcısı</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Çözünürlük</translation>
    </message>
    <message>
        <source>Label size</source>
        <translation>Etiket boyutu</translation>
    </message>
    <message>
        <source>Invalid printer address: {0}</source>
        <translation>Geçersiz yazıcı adresi: {0}</translation>
    </message>
    <message>
        <source>Enter the printer address first</source>
        <translation>Önce yazıcı adresini girin</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Basılıyor…</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <source>Reject returned items</source>
        <extracomment>The marketplace&apos;s cap on a rejection&apos;s description (Trendyol: 500 characters).</extracomment>
        <translation>İade edilen ürünleri reddet</translation>
    </message>
    <message>
        <source>What was found (at most 500 characters)</source>
        <translation>Ne bulundu (en fazla 500 karakter)</translation>
    </message>
    <message>
        <source>The marketplace&apos;s reason:</source>
        <translation>Pazaryerinin red sebebi:</translation>
    </message>
    <message>
        <source>Description for the marketplace:</source>
        <translation>Pazaryeri için açıklama:</translation>
    </message>
    <message>
        <source>{0} / 500 characters</source>
        <translation>{0} / 500 karakter</translation>
    </message>
</context>
<context>
    <name>ReturnController</name>
    <message>
        <source>Claim {0} has no returned items waiting for a decision.</source>
        <extracomment>Command barcodes that set the condition of the unit scanned last. Their keyboard twins (F5: the units not scanned are missing). Scans that arrived while a code was being looked up: replayed in order once it is answered. Evidence for a rejection: ids of the photos taken of this return (or file paths). Takes a photo with the station&apos;s camera (PHOTO); None at a station without a camera.</extracomment>
        <translation>{0} iade talebinde karar bekleyen ürün yok.</translation>
    </message>
    <message>
        <source>Return of order {0}: scan each returned item.</source>
        <translation>{0} siparişinin iadesi: iade edilen her ürünü okutun.</translation>
    </message>
    <message>
        <source>Recording the return: scan again in a moment.</source>
        <translation>İade kaydediliyor: birazdan yeniden okutun.</translation>
    </message>
    <message>
        <source>{0}: resellable. {1} item(s) left to scan.</source>
        <translation>{0}: satılabilir. Okutulacak {1} ürün kaldı.</translation>
    </message>
    <message>
        <source>NOT OURS: {0} is not on this claim. Put it aside.</source>
        <translation>BİZİM DEĞİL: {0} bu iade talebinde yok. Kenara ayırın.</translation>
    </message>
    <message>
        <source>Unreadable scan: scan the item again.</source>
        <translation>Okunamadı: ürünü yeniden okutun.</translation>
    </message>
    <message>
        <source>Return left unfinished: nothing was recorded.</source>
        <translation>İade yarım bırakıldı: hiçbir şey kaydedilmedi.</translation>
    </message>
    <message>
        <source>This command does not apply to a return.</source>
        <translation>Bu komut iadede kullanılamaz.</translation>
    </message>
    <message>
        <source>Scan an item first, then its condition.</source>
        <translation>Önce ürünü, sonra durumunu okutun.</translation>
    </message>
    <message>
        <source>{0}: {1}.</source>
        <translation>{0}: {1}.</translation>
    </message>
    <message>
        <source>{0} item(s) marked missing: not in the box.</source>
        <translation>{0} ürün eksik olarak işaretlendi: kolide yok.</translation>
    </message>
    <message>
        <source>{0} claimed item(s) not scanned: scan them, or scan MISSING (F5) if they are not in the box.</source>
        <translation>Talep edilen {0} ürün okutulmadı: okutun ya da kolide yoksa EKSİK (F5) okutun.</translation>
    </message>
    <message>
        <source>The marketplace lists no reasons for rejecting returns: judge every item resellable, or ask a supervisor.</source>
        <translation>Pazaryeri iade reddi için sebep listelemiyor: tüm ürünleri satılabilir işaretleyin ya da bir sorumluya danışın.</translation>
    </message>
    <message>
        <source>reject {0} returned item(s) at the marketplace</source>
        <translation>pazaryerinde {0} iade ürününü reddetmek</translation>
    </message>
    <message>
        <source>Return recorded: {0} item(s) back to stock, {1} rejected.</source>
        <translation>İade kaydedildi: {0} ürün stoğa döndü, {1} ürün reddedildi.</translation>
    </message>
</context>
<context>
    <name>ReturnView</name>
    <message>
        <source>Product</source>
        <extracomment>Row colours per condition (a unit not judged yet stays white).</extracomment>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>Barkod</translation>
    </message>
    <message>
        <source>Customer&apos;s reason</source>
        <translation>Müşterinin sebebi</translation>
    </message>
    <message>
        <source>Claim item</source>
        <translation>Talep kalemi</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Scan each returned item. The item scanned last: F2 resellable, F3 damaged, F4 wrong item. F5 missing: the items not scanned are not in the box. Then scan COMPLETE; ABORT leaves the return.</source>
        <translation>İade edilen her ürünü okutun. Son okutulan ürün için: F2 satılabilir, F3 hasarlı, F4 yanlış ürün. F5 eksik: okutulmayan ürünler kolide yok. Sonra TAMAMLA okutun; BIRAK iadeden çıkar.</translation>
    </message>
    <message>
        <source>F1 or “Take a photo”: a photo of the item or the box, sent with a rejection.</source>
        <translation>F1 ya da “Fotoğraf çek”: ürünün ya da kolinin fotoğrafı; iade reddedilirse onunla gönderilir.</translation>
    </message>
    <message>
        <source>Resellable</source>
        <translation>Satılabilir</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>Hasarlı</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>Yanlış ürün</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Eksik</translation>
    </message>
    <message>
        <source>Not scanned yet</source>
        <translation>Henüz okutulmadı</translation>
    </message>
    <message>
        <source>RETURN {0} · order {1}</source>
        <translation>İADE {0} · sipariş {1}</translation>
    </message>
    <message>
        <source>Sent as parcel {0} ({1})</source>
        <translation>{0} paketiyle gönderildi ({1})</translation>
    </message>
    <message>
        <source>The original parcel is not in this database</source>
        <translation>Asıl paket bu veritabanında yok</translation>
    </message>
    <message>
        <source>Return opened: scan each returned item.</source>
        <translation>İade açıldı: iade edilen her ürünü okutun.</translation>
    </message>
    <message>
        <source>Not ours (not on the claim): {0}</source>
        <translation>Bizim değil (talepte yok): {0}</translation>
    </message>
</context>
<context>
    <name>ReturnsTile</name>
    <message>
        <source>Returns today</source>
        <translation>Bugünkü iadeler</translation>
    </message>
    <message>
        <source>Returns today: {0} back to stock, {1} rejected; {2} waiting</source>
        <translation>Bugünkü iadeler: {0} stoğa döndü, {1} reddedildi; {2} bekliyor</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>packer</source>
        <translation>paketleyici</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>süpervizör</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>yönetici</translation>
    </message>
</context>
<context>
    <name>ScannerPage</name>
    <message>
        <source>Barcode scanner</source>
        <translation>Barkod okuyucu</translation>
    </message>
    <message>
        <source>Scan any barcode into the test field: the text must match the barcode.</source>
        <translation>Test alanına herhangi bir barkod okutun: çıkan metin barkodla aynı olmalı.</translation>
    </message>
    <message>
        <source>keyboard, or serial:///dev/ttyACM0?baud=9600</source>
        <translation>keyboard ya da serial:///dev/ttyACM0?baud=9600</translation>
    </message>
    <message>
        <source>Test scan: scan a barcode here</source>
        <translation>Test okutma: buraya bir barkod okutun</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Barkod okuyucu</translation>
    </message>
    <message>
        <source>Read: {0} ({1} characters)</source>
        <translation>Okunan: {0} ({1} karakter)</translation>
    </message>
    <message>
        <source>Repaired from the Turkish-Q keyboard layout: {0}</source>
        <translation>Türkçe Q klavye düzeninden düzeltildi: {0}</translation>
    </message>
    <message>
        <source>Invalid scanner address: {0}</source>
        <translation>Geçersiz barkod okuyucu adresi: {0}</translation>
    </message>
</context>
<context>
    <name>StationPage</name>
    <message>
        <source>This station</source>
        <translation>Bu istasyon</translation>
    </message>
    <message>
        <source>Every station sharing a database needs its own name.</source>
        <translation>Aynı veritabanını kullanan her istasyonun kendine ait bir adı olmalı.</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Sistem dili</translation>
    </message>
    <message>
        <source>High contrast (yellow and white on black)</source>
        <translation>Yüksek kontrast (siyah üzerine sarı ve beyaz)</translation>
    </message>
    <message>
        <source>Station name</source>
        <translation>İstasyon adı</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Dil</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>Yazı boyutu</translation>
    </message>
    <message>
        <source>Language and look take effect when the window opens.</source>
        <translation>Dil ve görünüm, pencere açıldığında uygulanır.</translation>
    </message>
    <message>
        <source>Enter a station name (at most 64 characters)</source>
        <translation>Bir istasyon adı girin (en fazla 64 karakter)</translation>
    </message>
</context>
<context>
    <name>StationSetupWizard</name>
    <message>
        <source>PackStation: set up this station</source>
        <translation>PackStation: bu istasyonu kurun</translation>
    </message>
</context>
<context>
    <name>StationStatusBar</name>
    <message>
        <source>User: not logged in</source>
        <translation>Kullanıcı: giriş yapılmadı</translation>
    </message>
    <message>
        <source>Database: starting…</source>
        <translation>Veritabanı: başlatılıyor…</translation>
    </message>
    <message>
        <source>Pending: –</source>
        <translation>Bekleyen: –</translation>
    </message>
    <message>
        <source>Sync: no marketplace accounts</source>
        <translation>Senkronizasyon: pazaryeri hesabı yok</translation>
    </message>
    <message>
        <source>User: {0} ({1})</source>
        <translation>Kullanıcı: {0} ({1})</translation>
    </message>
    <message>
        <source>Database: online ({0})</source>
        <translation>Veritabanı: çevrim içi ({0})</translation>
    </message>
    <message>
        <source>Sync: {0} account(s)</source>
        <translation>Senkronizasyon: {0} hesap</translation>
    </message>
    <message>
        <source>Database: unavailable</source>
        <translation>Veritabanı: kullanılamıyor</translation>
    </message>
    <message>
        <source>Database: OFFLINE — {0}</source>
        <translation>Veritabanı: ÇEVRİM DIŞI — {0}</translation>
    </message>
    <message>
        <source>OFFLINE: the database cannot be reached. Packing continues from this station&apos;s copy; {0} operation(s) will upload when it is back.</source>
        <translation>ÇEVRİM DIŞI: veritabanına ulaşılamıyor. Paketleme bu istasyondaki kopyadan devam ediyor; bağlantı gelince {0} işlem gönderilecek.</translation>
    </message>
    <message>
        <source>Pending: 0</source>
        <translation>Bekleyen: 0</translation>
    </message>
    <message>
        <source> (oldest {0} s)</source>
        <translation> (en eskisi {0} sn)</translation>
    </message>
    <message>
        <source>Pending: {0}</source>
        <translation>Bekleyen: {0}</translation>
    </message>
    <message>
        <source>Stuck: {0}</source>
        <translation>Takılan: {0}</translation>
    </message>
    <message>
        <source>Labels waiting: {0} (oldest {1} s)</source>
        <translation>Bekleyen etiket: {0} (en eski {1} sn)</translation>
    </message>
    <message>
        <source>Sync: running ({0})</source>
        <translation>Senkronizasyon: çalışıyor ({0})</translation>
    </message>
    <message>
        <source>Sync: error at {0}: {1}</source>
        <translation>Senkronizasyon: {0} itibarıyla hata: {1}</translation>
    </message>
    <message>
        <source>Sync: OK at {0}</source>
        <translation>Senkronizasyon: {0} itibarıyla tamam</translation>
    </message>
</context>
<context>
    <name>StationsView</name>
    <message>
        <source>Station</source>
        <translation>İstasyon</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>Bilgisayar</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Son sinyal</translation>
    </message>
    <message>
        <source>Waiting to upload</source>
        <translation>Gönderilmeyi bekleyen</translation>
    </message>
    <message>
        <source>Parcels held</source>
        <translation>Üzerindeki paketler</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Yenile</translation>
    </message>
    <message>
        <source>Release its parcels</source>
        <translation>Paketlerini serbest bırak</translation>
    </message>
    <message>
        <source>{0} s ago</source>
        <translation>{0} sn önce</translation>
    </message>
    <message>
        <source> (oldest {0} min)</source>
        <translation> (en eskisi {0} dk)</translation>
    </message>
    <message>
        <source>online</source>
        <translation>çevrim içi</translation>
    </message>
    <message>
        <source>OFFLINE</source>
        <translation>ÇEVRİM DIŞI</translation>
    </message>
    <message>
        <source>{0} station(s)</source>
        <translation>{0} istasyon</translation>
    </message>
    <message>
        <source>Choose a station first.</source>
        <translation>Önce bir istasyon seçin.</translation>
    </message>
    <message>
        <source>Release parcels</source>
        <translation>Paketleri serbest bırak</translation>
    </message>
    <message>
        <source>Release the {0} parcel(s) station {1} holds? Do this only if that station is really gone.</source>
        <translation>{1} istasyonunun üzerindeki {0} paket serbest bırakılsın mı? Bunu yalnızca o istasyon gerçekten devre dışıysa yapın.</translation>
    </message>
    <message>
        <source>{0} parcel(s) released.</source>
        <translation>{0} paket serbest bırakıldı.</translation>
    </message>
</context>
<context>
    <name>Stock</name>
    <message>
        <source>warehouse</source>
        <translation>depo</translation>
    </message>
    <message>
        <source>zone</source>
        <translation>bölge</translation>
    </message>
    <message>
        <source>bin</source>
        <translation>raf</translation>
    </message>
    <message>
        <source>packed</source>
        <translation>paketlendi</translation>
    </message>
    <message>
        <source>count</source>
        <translation>sayım</translation>
    </message>
    <message>
        <source>damage</source>
        <translation>hasar</translation>
    </message>
    <message>
        <source>found</source>
        <translation>bulundu</translation>
    </message>
    <message>
        <source>return</source>
        <translation>iade</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>transfer</translation>
    </message>
    <message>
        <source>quarantine</source>
        <translation>karantina</translation>
    </message>
    <message>
        <source>import</source>
        <translation>içe aktarma</translation>
    </message>
</context>
<context>
    <name>StockFilesPanel</name>
    <message>
        <source>Stock files: client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,</source>
        <translation>Stok dosyaları: client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,</translation>
    </message>
    <message>
        <source>Locations files: warehouse, zone, bin, barcode, name, sellable.</source>
        <translation>Konum dosyaları: warehouse, zone, bin, barcode, name, sellable (Türkçe başlıklar da olur: depo, bölge, raf, barkod, ad, satılabilir).</translation>
    </message>
    <message>
        <source>Separated by &apos;;&apos;, &apos;,&apos; or Tab, saved as CSV UTF-8. A file with any bad line imports nothing.</source>
        <translation>Ayırıcı &apos;;&apos;, &apos;,&apos; veya Sekme; “CSV UTF-8” olarak kaydedilmiş. Tek bir hatalı satırı olan dosyadan hiçbir şey içe aktarılmaz.</translation>
    </message>
    <message>
        <source>Check a file…</source>
        <translation>Dosyayı denetle…</translation>
    </message>
    <message>
        <source>Import a file…</source>
        <translation>Dosya içe aktar…</translation>
    </message>
    <message>
        <source>Export stock…</source>
        <translation>Stoğu dışa aktar…</translation>
    </message>
    <message>
        <source>Export locations…</source>
        <translation>Konumları dışa aktar…</translation>
    </message>
    <message>
        <source>Stock CSV file</source>
        <translation>Stok CSV dosyası</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>{0} okunuyor…</translation>
    </message>
    <message>
        <source>{0}: {1} problem(s), nothing was imported.</source>
        <translation>{0}: {1} sorun, hiçbir şey içe aktarılmadı.</translation>
    </message>
    <message>
        <source>checked, nothing changed</source>
        <translation>denetlendi, hiçbir şey değişmedi</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>içe aktarıldı</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Dışa aktar</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} kaydedildi</translation>
    </message>
</context>
<context>
    <name>StockProductsPanel</name>
    <message>
        <source>Stock code, barcode or part of the name</source>
        <translation>Stok kodu, barkod veya adın bir parçası</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Stock code</source>
        <translation>Stok kodu</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>Eldeki</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>Ayrılmış</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Satılabilir</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Eşik</translation>
    </message>
    <message>
        <source>Bins</source>
        <translation>Raflar</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Bul</translation>
    </message>
    <message>
        <source>Threshold…</source>
        <translation>Eşik…</translation>
    </message>
    <message>
        <source>Default low-stock threshold</source>
        <translation>Varsayılan düşük stok eşiği</translation>
    </message>
    <message>
        <source>Save default</source>
        <translation>Varsayılanı kaydet</translation>
    </message>
    <message>
        <source>default</source>
        <translation>varsayılan</translation>
    </message>
    <message>
        <source>No product matches.</source>
        <translation>Eşleşen ürün yok.</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>Önce bir ürün seçin.</translation>
    </message>
    <message>
        <source>Threshold of {0} saved.</source>
        <translation>{0} eşiği kaydedildi.</translation>
    </message>
    <message>
        <source>Default threshold saved: {0}.</source>
        <translation>Varsayılan eşik kaydedildi: {0}.</translation>
    </message>
</context>
<context>
    <name>StockView</name>
    <message>
        <source>Locations</source>
        <translation>Konumlar</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>Ürünler</translation>
    </message>
    <message>
        <source>Import / export</source>
        <translation>İçe / dışa aktarma</translation>
    </message>
</context>
<context>
    <name>SupervisorPages</name>
    <message>
        <source>open the supervisor dashboard</source>
        <extracomment>Journal operations PostgreSQL refused, for a supervisor to retry or discard (a dashboard tab). Locations, levels, thresholds and the CSV files (F8), and count mode (F7). Today&apos;s returns and the claims waiting for the bench (the dashboard&apos;s returns tile). Photo evidence of parcels and returns (the dashboard&apos;s Photos tab). The warehouse&apos;s time zone (``[station] time_zone``): when photos were taken.</extracomment>
        <translation>süpervizör panelini açma</translation>
    </message>
    <message>
        <source>Stuck operations</source>
        <translation>Takılan işlemler</translation>
    </message>
    <message>
        <source>Dashboard. Press Escape to go back to packing.</source>
        <translation>Panel. Paketlemeye dönmek için Esc tuşuna basın.</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Fotoğraflar</translation>
    </message>
    <message>
        <source>Low stock</source>
        <translation>Düşük stok</translation>
    </message>
    <message>
        <source>Stock. Press Escape to go back to packing.</source>
        <translation>Stok. Paketlemeye dönmek için Escape&apos;e basın.</translation>
    </message>
    <message>
        <source>count stock</source>
        <translation>stok saymak</translation>
    </message>
    <message>
        <source>Count mode: scan a bin&apos;s label. Press Escape to go back to packing.</source>
        <translation>Sayım modu: bir rafın etiketini okutun. Paketlemeye dönmek için Escape&apos;e basın.</translation>
    </message>
    <message>
        <source>manage users</source>
        <translation>kullanıcıları yönetme</translation>
    </message>
    <message>
        <source>Users. Press Escape to go back to packing.</source>
        <translation>Kullanıcılar. Paketlemeye dönmek için Esc tuşuna basın.</translation>
    </message>
    <message>
        <source>manage stations</source>
        <translation>istasyonları yönetme</translation>
    </message>
    <message>
        <source>Stations. Press Escape to go back to packing.</source>
        <translation>İstasyonlar. Paketlemeye dönmek için Esc tuşuna basın.</translation>
    </message>
    <message>
        <source>No marketplace account is configured at this station.</source>
        <translation>Bu istasyonda yapılandırılmış pazaryeri hesabı yok.</translation>
    </message>
    <message>
        <source>Marketplace sync. Press Escape to go back to packing.</source>
        <translation>Pazaryeri senkronizasyonu. Paketlemeye dönmek için Esc tuşuna basın.</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Account</source>
        <extracomment>``sync_now(account)``: start a sync of one account, or of all when None (returns at once).</extracomment>
        <translation>Hesap</translation>
    </message>
    <message>
        <source>Last success</source>
        <translation>Son başarılı</translation>
    </message>
    <message>
        <source>Orders (new / updated)</source>
        <translation>Siparişler (yeni / güncellenen)</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Gönderim kuyruğu</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Son hata</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Şimdi senkronize et</translation>
    </message>
    <message>
        <source>{account}: {error}</source>
        <translation>{account}: {error}</translation>
    </message>
    <message>
        <source>Sync requested…</source>
        <translation>Senkronizasyon istendi…</translation>
    </message>
    <message>
        <source>Sync could not start: {error}</source>
        <translation>Senkronizasyon başlatılamadı: {error}</translation>
    </message>
    <message>
        <source>Syncing {accounts}</source>
        <translation>{accounts} senkronize ediliyor</translation>
    </message>
    <message>
        <source>running, {pages} page(s)</source>
        <translation>çalışıyor, {pages} sayfa</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>boşta</translation>
    </message>
    <message>
        <source>never</source>
        <translation>hiç</translation>
    </message>
    <message>
        <source>{pending} pending, {failed} failed</source>
        <translation>{pending} bekliyor, {failed} başarısız</translation>
    </message>
    <message>
        <source>Sync state could not be loaded: {error}</source>
        <translation>Senkronizasyon durumu yüklenemedi: {error}</translation>
    </message>
</context>
<context>
    <name>ThresholdDialog</name>
    <message>
        <source>Low-stock threshold of {0}</source>
        <translation>{0} için düşük stok eşiği</translation>
    </message>
    <message>
        <source>Use the default ({0})</source>
        <translation>Varsayılanı kullan ({0})</translation>
    </message>
    <message>
        <source>Alert at or below</source>
        <translation>Bu değerde veya altında uyar</translation>
    </message>
</context>
<context>
    <name>ThroughputChart</name>
    <message>
        <source>Parcels</source>
        <translation>Paket</translation>
    </message>
</context>
<context>
    <name>TotpEnrolDialog</name>
    <message>
        <source>Two-factor set-up for {0}</source>
        <translation>{0} için iki aşamalı doğrulama kurulumu</translation>
    </message>
</context>
<context>
    <name>TotpPanel</name>
    <message>
        <source>Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, …), then type the 6-digit code it shows.</source>
        <translation>Bu kodu bir doğrulama uygulamasıyla (Google Authenticator, Microsoft Authenticator, …) okutun, ardından uygulamanın gösterdiği 6 haneli kodu yazın.</translation>
    </message>
    <message>
        <source>Or type this key: {0}</source>
        <translation>Ya da bu anahtarı yazın: {0}</translation>
    </message>
    <message>
        <source>6-digit code</source>
        <translation>6 haneli kod</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Move stock out of {0}</source>
        <translation>{0} rafından stok taşı</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Adet</translation>
    </message>
    <message>
        <source>To bin</source>
        <translation>Hedef raf</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Not</translation>
    </message>
</context>
<context>
    <name>UnsuppliedDialog</name>
    <message>
        <source>Item cannot be supplied</source>
        <translation>Ürün tedarik edilemiyor</translation>
    </message>
    <message>
        <source>{0} ({1} left)</source>
        <translation>{0} ({1} kaldı)</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Defective</source>
        <translation>Kusurlu</translation>
    </message>
    <message>
        <source>Wrong price</source>
        <translation>Yanlış fiyat</translation>
    </message>
    <message>
        <source>Integration error</source>
        <translation>Entegrasyon hatası</translation>
    </message>
    <message>
        <source>Bulk purchase</source>
        <translation>Toplu alım</translation>
    </message>
    <message>
        <source>Force majeure</source>
        <translation>Mücbir sebep</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Diğer</translation>
    </message>
    <message>
        <source>A supervisor must approve this. The marketplace is told which items are missing.</source>
        <translation>Bunu bir süpervizörün onaylaması gerekir. Pazaryerine hangi ürünlerin eksik olduğu bildirilir.</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Eksik</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Neden</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Not</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message>
        <source>User name</source>
        <translation>Kullanıcı adı</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Etkin</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>Kart</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>2FA</source>
        <translation>2FA</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>Kilit bitişi</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Yeni kullanıcı…</translation>
    </message>
    <message>
        <source>Disable / enable</source>
        <translation>Devre dışı bırak / etkinleştir</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Parolayı sıfırla…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Kilidi aç</translation>
    </message>
    <message>
        <source>Enrol badge…</source>
        <translation>Kart tanımla…</translation>
    </message>
    <message>
        <source>Enrol 2FA…</source>
        <translation>2FA kur…</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>evet</translation>
    </message>
    <message>
        <source>no</source>
        <translation>hayır</translation>
    </message>
    <message>
        <source>Select a user first</source>
        <translation>Önce bir kullanıcı seçin</translation>
    </message>
    <message>
        <source>User {0} created</source>
        <translation>{0} kullanıcısı oluşturuldu</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Kaydedildi</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>Parola değiştirildi</translation>
    </message>
    <message>
        <source>Account unlocked</source>
        <translation>Hesabın kilidi açıldı</translation>
    </message>
    <message>
        <source>Badge enrolled</source>
        <translation>Kart tanımlandı</translation>
    </message>
    <message>
        <source>Two-factor enrolled</source>
        <translation>İki aşamalı doğrulama kuruldu</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Parolayı sıfırla</translation>
    </message>
    <message>
        <source>Enrol badge</source>
        <translation>Kart tanımla</translation>
    </message>
    <message>
        <source>Scan the new badge</source>
        <translation>Yeni kartı okutun</translation>
    </message>
    <message>
        <source>PIN (empty: none)</source>
        <translation>PIN (boş: yok)</translation>
    </message>
</context>
<context>
    <name>_AccountPage</name>
    <message>
        <source>The first administrator</source>
        <translation>İlk yönetici</translation>
    </message>
    <message>
        <source>This account manages users, stations and settings.</source>
        <translation>Bu hesap kullanıcıları, istasyonları ve ayarları yönetir.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Kullanıcı adı</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Ad soyad</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Parola</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>Parola (tekrar)</translation>
    </message>
    <message>
        <source>Enter a user name</source>
        <translation>Bir kullanıcı adı girin</translation>
    </message>
    <message>
        <source>The password must be at least {0} characters long</source>
        <translation>Parola en az {0} karakter olmalı</translation>
    </message>
    <message>
        <source>The two passwords differ</source>
        <translation>İki parola aynı değil</translation>
    </message>
</context>
<context>
    <name>_TwoFactorPage</name>
    <message>
        <source>Two-factor authentication</source>
        <translation>İki aşamalı doğrulama</translation>
    </message>
    <message>
        <source>Administrators log in with a password and a code from their phone.</source>
        <translation>Yöneticiler parola ve telefonlarındaki bir kodla giriş yapar.</translation>
    </message>
</context>
</TS>
